/**
 * pgcdc next to other vendors' plugins and formats, on the real Connect worker: Debezium's
 * ExtractNewRecordState transform and JDBC sink (from Debezium's plugin archives on Maven Central,
 * unpacked into a second folder of the worker's plugin.path) reading pgcdc topics, Kafka's
 * JsonConverter writing the same bytes as pgcdc's, and records of every type surviving a round trip
 * through Avro.
 */
package io.pgcdc.it.interop;
