import Testing
@Test func placeholderClassifierTests() { #expect(1 + 1 == 2) }
