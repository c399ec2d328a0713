package io.pgcdc.it.kafka;

/**
 * One entry of GET /connector-plugins.
 *
 * @param className the connector class
 * @param type source or sink
 * @param version what the connector's version() returned
 */
public record ConnectorPlugin(String className, String type, String version) {}
