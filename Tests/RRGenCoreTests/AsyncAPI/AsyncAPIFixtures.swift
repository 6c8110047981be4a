import Foundation
@testable import RRGenCore

/// AsyncAPI documents the tests edit, and helpers to run them through the pipeline.
enum AsyncAPIFixtures {
    /// A small valid document: one AWS-style request-response operation with an outcome reply
    /// channel and token correlation, and one stream. Cases edit it by text replacement.
    static let base = #"""
        asyncapi: 3.0.0
        info:
          title: Svc
          version: 1.0.0
        channels:
          GetThing:
            address: things/{thingName}/get
            parameters:
              thingName:
                description: The thing.
            messages:
              GetThingRequest:
                $ref: '#/components/messages/GetThingRequest'
          GetThingReply:
            address: things/{thingName}/get/{outcome}
            parameters:
              thingName: {}
              outcome:
                enum: [accepted, rejected]
            messages:
              accepted:
                $ref: '#/components/messages/GetThingResponse'
              rejected:
                $ref: '#/components/messages/Failure'
          Updates:
            address: things/{thingName}/updates
            parameters:
              thingName: {}
            messages:
              Event:
                $ref: '#/components/messages/Event'
        operations:
          GetThing:
            action: send
            channel:
              $ref: '#/channels/GetThing'
            messages:
              - $ref: '#/channels/GetThing/messages/GetThingRequest'
            reply:
              channel:
                $ref: '#/channels/GetThingReply'
          Updates:
            action: receive
            channel:
              $ref: '#/channels/Updates'
        components:
          messages:
            GetThingRequest:
              payload:
                $ref: '#/components/schemas/GetThingRequest'
              correlationId:
                location: $message.payload#/clientToken
            GetThingResponse:
              payload:
                $ref: '#/components/schemas/GetThingResponse'
            Failure:
              x-rrgen-error: true
              payload:
                $ref: '#/components/schemas/Failure'
            Event:
              payload:
                $ref: '#/components/schemas/Event'
          schemas:
            GetThingRequest:
              type: object
              properties:
                clientToken:
                  type: string
            GetThingResponse:
              type: object
              properties:
                clientToken:
                  type: string
                value:
                  type: integer
            Failure:
              type: object
              required: [code]
              properties:
                clientToken:
                  type: string
                code:
                  type: integer
            Event:
              type: object
              properties:
                count:
                  type: integer
        """#

    static func edit(_ replacements: (String, String)...) -> String {
        var document = base
        for (old, new) in replacements {
            precondition(document.contains(old), "fixture text not found: \(old)")
            document = document.replacingOccurrences(of: old, with: new)
        }
        return document
    }

    /// Parses and validates a document.
    static func model(_ text: String) throws(RRGenError) -> ServiceModel {
        try SchemaValidator.validate(RRGen.parse(schema: Array(text.utf8)))
    }

    /// The problems `text` has, as `path: message` lines (empty when valid).
    static func problems(_ text: String) -> [String] {
        do {
            _ = try model(text)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    /// Reads `Schemas/asyncapi/<name>.asyncapi.yaml`.
    static func document(_ name: String) throws -> Data {
        try Data(contentsOf: Fixtures.packageRoot.appendingPathComponent("Schemas/asyncapi/\(name).asyncapi.yaml"))
    }
}
