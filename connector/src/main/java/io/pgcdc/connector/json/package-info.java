/**
 * A faster drop-in for Kafka's JSON converter: {@link io.pgcdc.connector.json.JsonConverter} writes
 * and reads the same bytes as {@code org.apache.kafka.connect.json.JsonConverter}, streaming
 * instead of building a JsonNode tree per record.
 */
package io.pgcdc.connector.json;
