// The rrgen pipeline: parse, validate, render.
