import Foundation

/// Random elastic distortion of training images (Simard, Steinkraus & Platt, 2003): every pixel
/// moves along a smooth random displacement field and the image is resampled bilinearly, so each
/// epoch sees the same digits written a little differently. Strokes bend and stretch but stay
/// where they were, so an image's sum still holds, whatever its layout.
///
/// The field is drawn on a coarse grid (a control point every `spacing` px, each moved by a normal
/// with standard deviation `magnitude` px in x and y) and interpolated bilinearly between them:
/// as smooth as blurring a per-pixel field with a Gaussian, at a fraction of the cost.
public struct ElasticDistortion: Sendable, Hashable {
    /// Standard deviation of a control point's displacement, in pixels.
    public var magnitude: Float
    /// Pixels between control points: the length over which the displacement changes.
    public var spacing: Int

    public init(magnitude: Float, spacing: Int = 8) {
        precondition(magnitude >= 0 && magnitude.isFinite, "magnitude must be finite and non-negative")
        precondition(spacing > 0, "control points need a positive spacing")
        self.magnitude = magnitude
        self.spacing = spacing
    }

    /// Buffers for distorting `height × width` images, reused from image to image.
    public final class Workspace {
        let height: Int, width: Int, rows: Int, columns: Int
        /// Control-point displacements, `[rows, columns]` each.
        let dx: FloatStorage, dy: FloatStorage
        /// The undistorted image.
        let source: FloatStorage

        public init(height: Int, width: Int, spacing: Int) {
            self.height = height
            self.width = width
            rows = (height - 1) / spacing + 2
            columns = (width - 1) / spacing + 2
            dx = FloatStorage(count: rows * columns)
            dy = FloatStorage(count: rows * columns)
            source = FloatStorage(count: height * width)
        }
    }

    /// Distorts `count` images (`[count, H, W]`) in place, drawing the fields from `generator`.
    public func apply(
        to images: UnsafeMutablePointer<Float>, count: Int, workspace: Workspace, generator: inout SeededGenerator
    ) {
        let pixels = workspace.height * workspace.width
        for image in 0..<count {
            drawField(workspace, generator: &generator)
            resample(images + image * pixels, workspace: workspace)
        }
    }

    private func drawField(_ w: Workspace, generator: inout SeededGenerator) {
        for index in 0..<(w.rows * w.columns) {
            let (x, y) = Self.normalPair(&generator)
            w.dx.base[index] = magnitude * x
            w.dy.base[index] = magnitude * y
        }
    }

    /// `image(i, j) ← source(i + dy, j + dx)`, bilinear, zero outside the image.
    private func resample(_ image: UnsafeMutablePointer<Float>, workspace w: Workspace) {
        let height = w.height
        let width = w.width
        let columns = w.columns
        let source = w.source.base
        let dx = w.dx.base
        let dy = w.dy.base
        source.update(from: image, count: height * width)
        let step = 1 / Float(spacing)
        @inline(__always) func pixel(_ i: Int, _ j: Int) -> Float {
            i >= 0 && i < height && j >= 0 && j < width ? source[i &* width &+ j] : 0
        }
        for i in 0..<height {
            let gridRow = i / spacing
            let ty = Float(i - gridRow * spacing) * step
            let top = gridRow &* columns
            let bottom = top &+ columns
            for j in 0..<width {
                let gridColumn = j / spacing
                let tx = Float(j - gridColumn * spacing) * step
                let a = top &+ gridColumn
                let b = bottom &+ gridColumn
                // Displacement at (i, j): bilinear between the four surrounding control points.
                let wa0 = (1 - ty) * (1 - tx)
                let wa1 = (1 - ty) * tx
                let wb0 = ty * (1 - tx)
                let wb1 = ty * tx
                let offsetX = wa0 * dx[a] + wa1 * dx[a &+ 1] + wb0 * dx[b] + wb1 * dx[b &+ 1]
                let offsetY = wa0 * dy[a] + wa1 * dy[a &+ 1] + wb0 * dy[b] + wb1 * dy[b &+ 1]
                let x = Float(j) + offsetX
                let y = Float(i) + offsetY
                let x0 = x.rounded(.down)
                let y0 = y.rounded(.down)
                let fx = x - x0
                let fy = y - y0
                let c = Int(x0)
                let r = Int(y0)
                image[i &* width &+ j] =
                    (1 - fy) * ((1 - fx) * pixel(r, c) + fx * pixel(r, c &+ 1))
                    + fy * ((1 - fx) * pixel(r &+ 1, c) + fx * pixel(r &+ 1, c &+ 1))
            }
        }
    }

    /// Two independent standard normals (Box–Muller).
    private static func normalPair(_ generator: inout SeededGenerator) -> (Float, Float) {
        let u = 1 - generator.nextUnitFloat()  // (0, 1]: log stays finite
        let radius = (-2 * log(u)).squareRoot()
        let angle = 2 * Float.pi * generator.nextUnitFloat()
        return (radius * cos(angle), radius * sin(angle))
    }
}
