import Classifier
import Foundation
import Testing

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    @Test("constant stays at the peak")
    func constant() {
        for step in [0, 5, 99] {
            #expect(LearningRateSchedule.constant.rate(peak: 0.002, step: step, totalSteps: 100, warmupSteps: 10) == 0.002)
        }
    }

    @Test("cosine ramps up linearly, peaks after warm-up, halves midway through the decay and ends near 0")
    func cosine() {
        let rate = { (step: Int) in LearningRateSchedule.cosine.rate(peak: 1, step: step, totalSteps: 110, warmupSteps: 10) }
        #expect(abs(rate(0) - 0.1) < 1e-6)
        #expect(abs(rate(4) - 0.5) < 1e-6)
        #expect(rate(10) == 1)
        #expect(abs(rate(60) - 0.5) < 1e-6)
        #expect(rate(109) < 0.001 && rate(109) > 0)
        #expect((10..<109).allSatisfy { rate($0) >= rate($0 + 1) }, "the decay never goes back up")
        #expect(LearningRateSchedule.cosine.rate(peak: 1, step: 0, totalSteps: 50, warmupSteps: 0) == 1)
    }
}
