package io.pgcdc.it.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A connector as the REST API creates it: a name and its config. Tests and the quickstart load the
 * files in config/ and override only what differs here (connection, names).
 *
 * @param name the connector's name
 * @param config its settings
 */
public record ConnectorDefinition(String name, Map<String, String> config) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public ConnectorDefinition {
    config = Map.copyOf(config);
  }

  /** Reads a REST create body: {@code {"name": ..., "config": {...}}}. */
  public static ConnectorDefinition load(Path file) {
    JsonNode json;
    try {
      json = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read connector JSON " + file, e);
    }
    if (!json.path("name").isTextual() || !json.path("config").isObject()) {
      throw new IllegalArgumentException(
          file + ": expected {\"name\": \"...\", \"config\": {...}}, got " + json);
    }
    Map<String, String> config = new LinkedHashMap<>();
    json.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue().asText()));
    return new ConnectorDefinition(json.path("name").asText(), config);
  }

  /** Reads {@code fileName} from the repository's config/ folder. */
  public static ConnectorDefinition fromConfigDir(String fileName) {
    return load(ItEnvironment.configDir().resolve(fileName));
  }

  public ConnectorDefinition withName(String newName) {
    return new ConnectorDefinition(newName, config);
  }

  public ConnectorDefinition with(String key, String value) {
    return with(Map.of(key, value));
  }

  public ConnectorDefinition with(Map<String, String> overrides) {
    Map<String, String> merged = new LinkedHashMap<>(config);
    merged.putAll(overrides);
    return new ConnectorDefinition(name, merged);
  }

  public ConnectorDefinition without(String key) {
    Map<String, String> copy = new LinkedHashMap<>(config);
    copy.remove(key);
    return new ConnectorDefinition(name, copy);
  }

  /**
   * Points the connector at a PostgreSQL server: the only settings the shipped files leave open.
   * Their password stays {@code ${env:PGCDC_POSTGRES_PASSWORD}}, which the worker resolves (see
   * {@link KafkaSettings#POSTGRES_PASSWORD_ENV}).
   */
  public ConnectorDefinition withConnection(String host, int port, String database, String user) {
    return with(
        Map.of(
            "connection.host", host,
            "connection.port", Integer.toString(port),
            "connection.database", database,
            "connection.user", user));
  }

  /** {@link #withConnection(String, int, String, String)} with the password given in clear. */
  public ConnectorDefinition withConnection(
      String host, int port, String database, String user, String password) {
    return withConnection(host, port, database, user).with("connection.password", password);
  }

  public String get(String key) {
    return config.get(key);
  }

  /** The POST /connectors body. */
  Map<String, Object> toRequestBody() {
    return Map.of("name", name, "config", config);
  }
}
