/**
 * Values as PostgreSQL text: {@link io.pgcdc.connector.sink.encode.PgText} renders a Connect value
 * as the input text of a column type (JSON by Jackson), with the typed values (logical and semantic
 * types) written by the decoder's codecs through {@code ConnectValues}; {@link
 * io.pgcdc.connector.sink.encode.CopyBuffer} writes rows in COPY text format straight to UTF-8
 * bytes (the project's one COPY text escaper). Uses the Connect data API, Jackson, the decoder's
 * value codecs and {@code sink.change} alone: no JDBC, no state.
 */
package io.pgcdc.connector.sink.encode;
