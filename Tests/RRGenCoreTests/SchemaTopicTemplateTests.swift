import Testing

@testable import RRGenCore

@Suite struct TopicTemplateTests {
    func template(_ text: String, wildcards: Bool = true) throws -> SchemaTopicTemplate {
        try SchemaTopicTemplate.parse(text, allowWildcards: wildcards).get()
    }

    @Test func placeholdersAreWholeLevels() throws {
        let topic = try template("$aws/things/{thingName}/shadow/name/{shadowName}/get", wildcards: false)
        #expect(topic.placeholders == ["thingName", "shadowName"])
        #expect(topic.serviceFilter == "$aws/things/+/shadow/name/+/get")
    }

    @Test(arguments: [
        ("a/+/c", "a/b/c", true), ("a/#", "a", true), ("a/#", "a/b/c", true), ("+/b", "a/b", true),
        ("a/{x}/c", "a/{x}/c", true), ("a/+/c", "a/{x}/c", true), ("a/{y}/c", "a/{x}/c", false),
        ("a/b", "a/b/c", false), ("a/b/c", "a/b", false), ("#", "$aws/x", false), ("+/x", "$aws/x", false),
        ("$aws/+", "$aws/x", true), ("a/+", "a/", true),
    ])
    func mqttMatching(_ filter: String, _ topic: String, _ expected: Bool) throws {
        #expect(try template(filter).matches(template(topic, wildcards: false)) == expected)
    }

    @Test func invalidTopics() {
        #expect(
            SchemaTopicTemplate.parse("", allowWildcards: true)
                == .failure(SchemaTopicTemplateError(message: "a topic cannot be empty")))
        #expect(
            SchemaTopicTemplate.parse("a/b+", allowWildcards: true)
                == .failure(SchemaTopicTemplateError(message: "a wildcard must occupy a whole level, found 'b+'")))
        #expect(
            SchemaTopicTemplate.parse("a/{b c}", allowWildcards: false)
                == .failure(
                    SchemaTopicTemplateError(
                        message: "invalid placeholder '{b c}'; a placeholder is {name} with letters, digits and '_'")))
    }
}
