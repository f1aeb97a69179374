import Foundation

/// Records the strokes of one handwritten-looking glyph as polylines, perturbing every control
/// point it is given so that no two glyphs come out the same.
///
/// Coordinates are in a glyph box about 1 unit tall centred on the origin, y pointing down;
/// angles are in degrees in that frame (0 = right, 90 = down, 270 = up). The point buffers are
/// reused from glyph to glyph, so drawing allocates nothing once they have grown.
struct Pen {
    /// Polyline vertices of all strokes, one after another.
    var points: [SIMD2<Float>] = []
    /// `points[strokeEnds[i - 1]..<strokeEnds[i]]` is stroke `i`.
    var strokeEnds: [Int] = []
    /// Per-glyph randomness: variant choices and control-point perturbation.
    var rng: SynthRandom
    /// Largest displacement of a control point, in glyph units.
    var wobble: Float = 0.04
    private var drawing = false

    init(rng: SynthRandom) {
        self.rng = rng
        points.reserveCapacity(256)
        strokeEnds.reserveCapacity(8)
    }

    /// Forgets the previous glyph, keeping the buffers' capacity.
    mutating func reset(wobble: Float) {
        points.removeAll(keepingCapacity: true)
        strokeEnds.removeAll(keepingCapacity: true)
        drawing = false
        self.wobble = wobble
    }

    /// `(x, y)` moved by a random amount of at most `wobble` on each axis.
    mutating func jittered(_ x: Float, _ y: Float) -> SIMD2<Float> {
        SIMD2(x + rng.wobble(wobble), y + rng.wobble(wobble))
    }

    /// Ends the current stroke (if any) and starts a new one at `(x, y)`.
    mutating func move(_ x: Float, _ y: Float) {
        finish()
        points.append(jittered(x, y))
        drawing = true
    }

    /// A straight line from the current point to `(x, y)`, in a few segments so a later warp can bend it.
    mutating func line(_ x: Float, _ y: Float) {
        let start = points[points.count - 1]
        let end = jittered(x, y)
        for step in 1...4 { points.append(start + (end - start) * (Float(step) / 4)) }
    }

    /// A cubic Bézier curve from the current point through controls `c1`, `c2` to `(x, y)`.
    mutating func curve(_ c1x: Float, _ c1y: Float, _ c2x: Float, _ c2y: Float, _ x: Float, _ y: Float) {
        let p0 = points[points.count - 1]
        let p1 = jittered(c1x, c1y)
        let p2 = jittered(c2x, c2y)
        let p3 = jittered(x, y)
        for step in 1...12 {
            let t = Float(step) / 12
            let u = 1 - t
            points.append(p0 * (u * u * u) + p1 * (3 * u * u * t) + p2 * (3 * u * t * t) + p3 * (t * t * t))
        }
    }

    /// An elliptic arc around `(cx, cy)` with radii `rx`, `ry` from angle `from` to `to` (degrees,
    /// either direction, may exceed a full turn). Starts a stroke if none is in progress, otherwise
    /// joins the current point to the arc's start.
    mutating func arc(_ cx: Float, _ cy: Float, _ rx: Float, _ ry: Float, from: Float, to: Float) {
        let center = jittered(cx, cy)
        let radii = SIMD2(rx * (1 + rng.wobble(0.12)), ry * (1 + rng.wobble(0.12)))
        let start = (from + rng.wobble(10)) * .pi / 180
        let end = (to + rng.wobble(10)) * .pi / 180
        let steps = max(4, Int((abs(end - start) * 180 / .pi / 10).rounded(.up)))
        let first = drawing ? 0 : 1
        if !drawing {
            drawing = true
            points.append(center + radii * SIMD2(cos(start), sin(start)))
        }
        for step in first...steps {
            let angle = start + (end - start) * Float(step) / Float(steps)
            points.append(center + radii * SIMD2(cos(angle), sin(angle)))
        }
    }

    /// Ends the current stroke.
    mutating func finish() {
        if drawing {
            strokeEnds.append(points.count)
            drawing = false
        }
    }
}
