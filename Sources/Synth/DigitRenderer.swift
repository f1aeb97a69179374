import Foundation

/// Renders handwriting-like digits onto a 28×28 canvas the way MNIST looks: white antialiased
/// ink on black, about 20 px tall, centred, with random slant, rotation, size, stroke width and a
/// little blur and ink noise.
///
/// One renderer owns its scratch buffers and is reused for many digits; it is not shared between
/// threads (each worker makes its own).
struct DigitRenderer {
    static let side = SumDatasetConfig.side
    private var pen = Pen(rng: SynthRandom(seed: 0))
    private var coverage = [Float](repeating: 0, count: side * side)
    private var blurred = [Float](repeating: 0, count: side * side)

    /// Draws `digit` (0...9) with randomness from `rng` into the 784 bytes at `out` (row-major).
    mutating func render(_ digit: Int, rng: inout SynthRandom, into out: UnsafeMutablePointer<UInt8>) {
        pen.rng = rng
        pen.reset(wobble: pen.rng.uniform(0.025, 0.065))
        DigitGlyphs.draw(digit, with: &pen)
        rng = pen.rng
        let radius = rng.uniform(0.7, 1.5)
        place(inkRadius: radius, rng: &rng)
        rasterize(radius: radius, rng: &rng)
        finish(rng: &rng, into: out)
    }

    /// Bends the glyph with a gentle wave, slants, rotates and stretches it, then scales and moves
    /// it so that its ink (the strokes plus `inkRadius` around them) is 16–20 px tall, at most
    /// 20 px wide, and centred on the canvas give or take a pixel.
    private mutating func place(inkRadius: Float, rng: inout SynthRandom) {
        let waveAmplitude = rng.uniform(0, 0.035)
        let waveFrequency = SIMD2(rng.uniform(2, 5), rng.uniform(2, 5))
        let wavePhase = SIMD2(rng.uniform(0, 2 * .pi), rng.uniform(0, 2 * .pi))
        let angle = rng.wobble(15) * .pi / 180
        let shear = rng.uniform(-0.35, 0.15)
        let stretch = rng.uniform(0.8, 1.2)
        let (c, s) = (cos(angle), sin(angle))
        var low = SIMD2<Float>(repeating: .infinity)
        var high = -low
        pen.points.withUnsafeMutableBufferPointer { points in
            for i in points.indices {
                var p = points[i]
                p.x += waveAmplitude * sin(waveFrequency.x * p.y + wavePhase.x)
                p.y += waveAmplitude * sin(waveFrequency.y * p.x + wavePhase.y)
                p.x = (p.x + shear * p.y) * stretch
                p = SIMD2(c * p.x - s * p.y, s * p.x + c * p.y)
                points[i] = p
                low = pointwiseMin(low, p)
                high = pointwiseMax(high, p)
            }
        }
        let size = high - low
        let margin = 2 * inkRadius + 0.5
        var scale = (rng.uniform(16.5, 20.5) - margin) / max(size.y, 1e-3)
        scale = min(scale, (20.5 - margin) / max(size.x, 1e-3))
        let center = SIMD2<Float>(repeating: Float(Self.side) / 2) + SIMD2(rng.wobble(1.2), rng.wobble(1.2))
        let origin = center - (low + high) / 2 * scale
        pen.points.withUnsafeMutableBufferPointer { points in
            for i in points.indices { points[i] = origin + points[i] * scale }
        }
    }

    /// Ink coverage of every pixel: 1 within `radius` of a stroke, fading to 0 over one pixel.
    private mutating func rasterize(radius: Float, rng: inout SynthRandom) {
        let side = Self.side
        coverage.withUnsafeMutableBufferPointer { canvas in
            canvas.update(repeating: 0)
            pen.points.withUnsafeBufferPointer { points in
                var start = 0
                for end in pen.strokeEnds {
                    let r = radius * (1 + rng.wobble(0.12))
                    let reach = r + 0.5
                    for i in start..<(end - 1) {
                        let a = points[i]
                        let b = points[i + 1]
                        let ab = b - a
                        let lengthSquared = max((ab * ab).sum(), 1e-12)
                        let low = pointwiseMin(a, b) - reach
                        let high = pointwiseMax(a, b) + reach
                        let x0 = max(0, Int(low.x.rounded(.down)))
                        let x1 = min(side - 1, Int(high.x.rounded(.up)))
                        let y0 = max(0, Int(low.y.rounded(.down)))
                        let y1 = min(side - 1, Int(high.y.rounded(.up)))
                        if x0 > x1 || y0 > y1 { continue }
                        for y in y0...y1 {
                            for x in x0...x1 {
                                let p = SIMD2(Float(x) + 0.5, Float(y) + 0.5)
                                let t = min(max(((p - a) * ab).sum() / lengthSquared, 0), 1)
                                let d = p - (a + ab * t)
                                let value = min(max(reach - (d * d).sum().squareRoot(), 0), 1)
                                canvas[y * side + x] = max(canvas[y * side + x], value)
                            }
                        }
                    }
                    start = end
                }
            }
        }
    }

    /// Softens the coverage with a partial 3×3 binomial blur, saturates the core of the strokes
    /// (even thin blurred ones, as MNIST's always reach 255),
    /// varies the ink a little pixel by pixel and quantizes to bytes. The background stays exactly 0.
    private mutating func finish(rng: inout SynthRandom, into out: UnsafeMutablePointer<UInt8>) {
        let side = Self.side
        let blur = rng.uniform(0.2, 0.7)
        let gain = rng.uniform(1.1, 1.45)
        coverage.withUnsafeBufferPointer { src in
            blurred.withUnsafeMutableBufferPointer { dst in
                for y in 0..<side {
                    for x in 0..<side {
                        var sum: Float = 0
                        for dy in -1...1 {
                            let yy = y + dy
                            if yy < 0 || yy >= side { continue }
                            let wy: Float = dy == 0 ? 2 : 1
                            for dx in -1...1 {
                                let xx = x + dx
                                if xx < 0 || xx >= side { continue }
                                sum += wy * (dx == 0 ? 2 : 1) * src[yy * side + xx]
                            }
                        }
                        dst[y * side + x] = (1 - blur) * src[y * side + x] + blur * sum / 16
                    }
                }
                let scale = gain / max(dst.max() ?? 1, 1e-6)
                for i in 0..<(side * side) {
                    let v = dst[i]
                    if v <= 0 {
                        out[i] = 0
                        continue
                    }
                    let inked = min(v * scale * (1 + rng.wobble(0.08)), 1)
                    out[i] = UInt8((inked * 255).rounded())
                }
            }
        }
    }
}
