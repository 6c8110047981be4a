/// Why an example stopped: a sentence for the person running it.
public struct ExampleError: Error, CustomStringConvertible {
    /// What went wrong and, when known, what to do about it.
    public var description: String

    /// Creates an error with a message.
    ///
    /// - Parameter description: What went wrong.
    public init(_ description: String) {
        self.description = description
    }
}
