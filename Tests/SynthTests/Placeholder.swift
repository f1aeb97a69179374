import Testing
@Test func placeholderSynthTests() { #expect(1 + 1 == 2) }
