import Testing
@Test func placeholderArrayFormatsTests() { #expect(1 + 1 == 2) }
