// Tests for the rrgen pipeline.
