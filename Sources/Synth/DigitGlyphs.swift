/// How each digit 0–9 is written: a few strokes (lines, Bézier curves, elliptic arcs) in a glyph
/// box 1 unit tall and about 0.6 wide, centred on the origin, y down.
///
/// Several digits come in the variants people actually write (a 1 with or without flag and base,
/// an open or closed 4, a crossed 7, a flat-topped 3, a straight or curled 9), chosen at random.
enum DigitGlyphs {
    /// Draws `digit` (0...9) with `pen`, whose random source picks the variant.
    static func draw(_ digit: Int, with pen: inout Pen) {
        switch digit {
        case 0:
            let start = 260 + pen.rng.wobble(25)
            pen.arc(0, 0, pen.rng.uniform(0.2, 0.3), 0.5, from: start, to: start - 370)
        case 1:
            if pen.rng.chance(0.45) {
                pen.move(-0.16, -0.3)
                pen.line(0.04, -0.5)
            } else {
                pen.move(0.04, -0.5)
            }
            pen.line(-0.04, 0.5)
            if pen.rng.chance(0.2) {
                pen.move(-0.16, 0.5)
                pen.line(0.13, 0.5)
            }
        case 2:
            pen.arc(0, -0.22, 0.26, 0.27, from: 195, to: 385)
            pen.curve(0.12, 0.08, -0.12, 0.3, -0.28, 0.5)
            pen.line(0.3, 0.5)
        case 3:
            if pen.rng.chance(0.15) {
                pen.move(-0.22, -0.5)
                pen.line(0.22, -0.5)
                pen.line(-0.02, -0.06)
            } else {
                pen.arc(0, -0.26, 0.24, 0.24, from: 200, to: 450)
            }
            pen.arc(0, 0.24, 0.27, 0.26, from: 270, to: 520)
        case 4:
            if pen.rng.chance(0.6) {
                pen.move(0.12, 0.5)
                pen.line(0.12, -0.5)
                pen.line(-0.3, 0.18)
                pen.line(0.3, 0.18)
            } else {
                pen.move(-0.2, -0.5)
                pen.line(-0.26, 0.14)
                pen.line(0.3, 0.14)
                pen.move(0.14, -0.42)
                pen.line(0.12, 0.5)
            }
        case 5:
            pen.move(-0.16, -0.5)
            pen.line(-0.2, -0.06)
            pen.arc(0, 0.2, 0.27, 0.3, from: 230, to: 500)
            pen.move(-0.16, -0.5)
            pen.line(0.26, -0.5)
        case 6:
            pen.move(0.2, -0.5)
            pen.curve(-0.08, -0.42, -0.28, -0.12, -0.27, 0.22)
            pen.arc(0, 0.23, 0.27, 0.27, from: 180, to: -170)
        case 7:
            if pen.rng.chance(0.15) {
                pen.move(-0.28, -0.38)
                pen.line(-0.28, -0.5)
            } else {
                pen.move(-0.28, -0.5)
            }
            pen.line(0.28, -0.5)
            pen.curve(0.16, -0.2, 0.0, 0.2, -0.06, 0.5)
            if pen.rng.chance(0.2) {
                pen.move(-0.1, 0.02)
                pen.line(0.2, 0.02)
            }
        case 8:
            pen.arc(0, -0.26, 0.21, 0.24, from: 90, to: 450)
            pen.arc(0, 0.24, 0.26, 0.26, from: 270, to: 630)
        default:
            pen.arc(0, -0.22, 0.25, 0.27, from: 0, to: -360)
            if pen.rng.chance(0.6) { pen.line(0.2, 0.5) } else { pen.curve(0.26, 0.2, 0.1, 0.45, -0.15, 0.5) }
        }
        pen.finish()
    }
}
