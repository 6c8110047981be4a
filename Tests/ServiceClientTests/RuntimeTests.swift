import Foundation
import MQTTServiceRuntime
import NIOCore
import Testing

@Suite struct RuntimeTests {
    @Test func jsonValueLiteralsAccessorsAndCoding() throws {
        let value: ServiceJSONValue = ["name": "lamp", "level": 3, "ratio": 0.5, "on": true, "tags": ["a", nil]]
        #expect(value["name"]?.stringValue == "lamp")
        #expect(value["level"]?.intValue == 3)
        #expect(value["ratio"]?.doubleValue == 0.5)
        #expect(value["on"]?.boolValue == true)
        #expect(value["tags"]?[1]?.isNull == true)
        #expect(value["missing"] == nil)
        let encoded = String(buffer: try ServiceCoding.encode(value))
        #expect(encoded == #"{"level":3,"name":"lamp","on":true,"ratio":0.5,"tags":["a",null]}"#)
        #expect(value.description == encoded)
        #expect(try ServiceCoding.decode(ServiceJSONValue.self, from: ByteBuffer(string: encoded)) == value)
        // Booleans and numbers do not blur.
        #expect(try ServiceCoding.decode(ServiceJSONValue.self, from: ByteBuffer(string: "[true, 1]")) == [true, 1])
    }

    @Test func topicTemplateRendersMatchesAndFilters() throws {
        let template = ServiceTopicTemplate("$aws/things/{thingName}/shadow/name/{shadowName}/get")
        #expect(
            try template.render(["thingName": "lamp", "shadowName": "cfg"]) == "$aws/things/lamp/shadow/name/cfg/get")
        #expect(template.subscriptionFilter == "$aws/things/+/shadow/name/+/get")
        #expect(template.match("$aws/things/lamp/shadow/name/cfg/get") == ["thingName": "lamp", "shadowName": "cfg"])
        #expect(template.match("$aws/things/lamp/shadow/get") == nil)
        #expect(template.match("$aws/things//shadow/name/cfg/get") == nil)
        // One level more or fewer, a trailing separator, another literal, nothing at all.
        #expect(template.match("$aws/things/lamp/shadow/name/cfg/get/x") == nil)
        #expect(template.match("$aws/things/lamp/shadow/name/cfg/get/") == nil)
        #expect(template.match("$aws/things/lamp/shadow/name/cfg") == nil)
        #expect(template.match("$aws/things/lamp/shadow/name/cfg/put") == nil)
        #expect(template.match("") == nil)
        // A level is what lies between `/` bytes, whatever characters surround them.
        #expect(
            template.match("$aws/things/l\u{301}amp/shadow/name/\u{301}/get") == [
                "thingName": "l\u{301}amp", "shadowName": "\u{301}",
            ])
    }

    @Test(arguments: [
        ("{a}", "x"), ("{a}/{b}", "x/y"), ("/{a}/", "/x/"), ("p/x{a}/q", "p/x{a}/q"), ("", ""),
        ("lit/only", "lit/only"),
        ("{a}/mid/{a}", "x/mid/x"), ("{}/{a}", "{}/x"), ("é/{b}/ü", "é/y/ü"),
    ])
    func topicTemplatesRenderEveryShape(_ template: String, _ expected: String) throws {
        #expect(try ServiceTopicTemplate(template).render(["a": "x", "b": "y"]) == expected)
    }

    @Test func aMissingOrNulValueIsRefused() throws {
        #expect(throws: TopicPlaceholderError.self) { try ServiceTopicTemplate("t/{a}/{b}").render(["a": "x"]) }
        #expect(throws: TopicPlaceholderError.self) { try ServiceTopicTemplate("t/{a}").render(["a": "x\u{0}y"]) }
        #expect(try ServiceTopicTemplate("t/{a}").render(["a": "é😀"]) == "t/é😀")
    }

    @Test(arguments: [
        (
            "a/b",
            "placeholder {thingName} of topic 'things/{thingName}' cannot contain '/', which would add topic levels: 'a/b'"
        ),
        ("+", "placeholder {thingName} of topic 'things/{thingName}' cannot contain '+', an MQTT wildcard: '+'"),
        ("x#", "placeholder {thingName} of topic 'things/{thingName}' cannot contain '#', an MQTT wildcard: 'x#'"),
        ("", "placeholder {thingName} of topic 'things/{thingName}' cannot be empty"),
    ])
    func unusablePlaceholderValuesAreRejected(_ value: String, _ message: String) {
        #expect(throws: TopicPlaceholderError.self) {
            try ServiceTopicTemplate("things/{thingName}").render(["thingName": value])
        }
        do {
            _ = try ServiceTopicTemplate("things/{thingName}").render(["thingName": value])
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func nullableMapsAndReportsState() {
        let value: Nullable<Int> = .value(2)
        #expect(value.map { $0 * 2 } == .value(4))
        #expect(Nullable<Int>.null.map { $0 * 2 } == .null)
        #expect(Nullable<Int>.absent.isAbsent)
        #expect(value.value == 2)
    }

    @Test func base64BytesCodeAsStrings() throws {
        let bytes = Base64Bytes(Data([0, 1, 2, 255]))
        #expect(
            String(buffer: try ServiceCoding.encode([bytes]))
                == #"["AAEC\/w=="]"#.replacingOccurrences(of: "\\/", with: "/"))
        #expect(try ServiceCoding.decode([Base64Bytes].self, from: ByteBuffer(string: #"["AAEC/w=="]"#)) == [bytes])
        #expect(throws: DecodingError.self) {
            try ServiceCoding.decode([Base64Bytes].self, from: ByteBuffer(string: #"["%%"]"#))
        }
    }
}
