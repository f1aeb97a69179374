import Testing
@Test func placeholderWatcherTests() { #expect(1 + 1 == 2) }
