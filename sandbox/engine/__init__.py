"""The sandbox's offline engine: a Pulumi program in its own process, talking gRPC to services we serve."""
