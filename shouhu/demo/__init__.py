"""The demo county: composes every app's demo builder (layer 5)."""
