#!/usr/bin/env python3
"""Validates AsyncAPI 3.0 documents (JSON or YAML) against the official AsyncAPI 3.0.0 JSON Schema.

Usage: validate.py --schema PATH document...

The official schema (asyncapi/spec-json-schemas, `schemas/3.0.0-without-$id.json`, Apache-2.0)
is not part of this repository: pass its path with --schema or the ASYNCAPI_JSON_SCHEMA
environment variable. Exit codes: 0 all valid, 1 a document is invalid, 2 the schema or a
Python module (jsonschema, PyYAML) is missing.
"""
import argparse
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".json"):
        return json.loads(text)
    import yaml  # PyYAML

    return yaml.safe_load(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default=os.environ.get("ASYNCAPI_JSON_SCHEMA"))
    parser.add_argument("documents", nargs="+")
    arguments = parser.parse_args()
    try:
        import jsonschema
        import yaml  # noqa: F401
    except ImportError as error:
        print(f"validate.py: missing Python module: {error.name}", file=sys.stderr)
        return 2
    if not arguments.schema or not os.path.exists(arguments.schema):
        print("validate.py: the AsyncAPI 3.0.0 JSON Schema was not found (--schema or ASYNCAPI_JSON_SCHEMA)", file=sys.stderr)
        return 2
    with open(arguments.schema, encoding="utf-8") as handle:
        schema = json.load(handle)
    validator = jsonschema.Draft7Validator(schema)
    failed = 0
    for path in arguments.documents:
        document = load(path)
        errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
        if errors:
            failed += 1
            for error in errors[:20]:
                location = "/".join(str(part) for part in error.absolute_path) or "(root)"
                print(f"{path}: {location}: {error.message[:300]}", file=sys.stderr)
        else:
            print(f"{path}: valid AsyncAPI {document.get('asyncapi')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
