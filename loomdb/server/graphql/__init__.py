"""The GraphQL door (`POST /v1/graphql`, `/v1/graphql/batch`): a graphql-core schema built from the live
collections with Weaviate's type, field and argument names; each class field resolves by parsing its arguments
and selections into the same request entities gRPC builds, making ONE search/aggregate use-case call, and
shaping the result as Weaviate's GraphQL renders it."""
