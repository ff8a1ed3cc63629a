"""What users ask for (schema, objects, batches, queries, node status), independent of REST/gRPC.

Use cases apply server-wide policy (default limits, result caps, batch accounting) and call the engine; they
hold no wire encodings and do no I/O of their own."""
