import Testing
@Test func placeholderSumdTests() { #expect(1 + 1 == 2) }
