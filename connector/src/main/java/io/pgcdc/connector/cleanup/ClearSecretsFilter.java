package io.pgcdc.connector.cleanup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.PathSegment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, in the worker log, when a pgcdc connector config sent to the REST API has a secret in
 * clear text: {@code POST /connectors}, {@code PUT} or {@code PATCH /connectors/NAME/config} and
 * {@code PUT /connector-plugins/CLASS/config/validate}. It cannot be a validation error: Connect
 * rejects a config with any, and the connector's {@code validate} sees the config with references
 * already resolved, so cannot tell them apart. The request itself is never changed or failed.
 */
final class ClearSecretsFilter implements ContainerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(ClearSecretsFilter.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> CONFIG = new TypeReference<>() {};

  /**
   * A request that carries a connector config.
   *
   * @param description e.g. "POST /connectors", for the log
   * @param connector the connector's name from the path, or null (then it is in the body)
   * @param wrapped whether the body is {@code {"name": ..., "config": {...}}} rather than the
   *     config
   */
  record ConfigRequest(String description, String connector, boolean wrapped) {}

  @Override
  public void filter(ContainerRequestContext request) {
    ConfigRequest target = match(request);
    if (target == null || !request.hasEntity()) {
      return;
    }
    try {
      byte[] body = request.getEntityStream().readAllBytes();
      request.setEntityStream(new ByteArrayInputStream(body));
      warn(target, JSON.readTree(body));
    } catch (IOException | RuntimeException e) {
      // Connect answers a body it cannot read itself; this check is only advice.
      log.debug(
          "Cannot read the body of {} to look for secrets in clear: {}",
          target.description(),
          e.toString());
    }
  }

  private static void warn(ConfigRequest target, JsonNode body) {
    JsonNode config = target.wrapped() ? body.path("config") : body;
    if (!config.isObject()) {
      return;
    }
    Map<String, String> settings = JSON.convertValue(config, CONFIG);
    List<String> clear = ClearSecrets.in(settings);
    if (clear.isEmpty()) {
      return;
    }
    String name =
        target.connector() != null
            ? target.connector()
            : target.wrapped()
                ? body.path("name").asText("NAME")
                : settings.getOrDefault("name", "NAME");
    log.warn(
        "{} (connector {}): {} in clear text. Kafka Connect keeps a config as given, in its config"
            + " topic, and returns it as given from GET /connectors/{}, .../config and .../tasks."
            + " Give a reference to a config provider of the worker instead, e.g."
            + " \"connection.password\": \"${env:PGCDC_POSTGRES_PASSWORD}\" or"
            + " \"${file:/etc/pgcdc/postgres.properties:password}\" (docs/operations.md#secrets)",
        target.description(),
        name,
        String.join(", ", clear),
        name);
  }

  /**
   * The request's config, if it carries one. A request that one worker forwards to another ({@code
   * forward} parameter) was looked at by the first.
   */
  private static ConfigRequest match(ContainerRequestContext request) {
    if (request.getUriInfo().getQueryParameters().containsKey("forward")) {
      return null;
    }
    List<String> path = new ArrayList<>();
    for (PathSegment segment : request.getUriInfo().getPathSegments(true)) {
      if (!segment.getPath().isEmpty()) {
        path.add(segment.getPath());
      }
    }
    return match(request.getMethod(), path);
  }

  /** The config request of this method and decoded path below the REST root, or null. */
  static ConfigRequest match(String method, List<String> path) {
    boolean connectors = !path.isEmpty() && path.get(0).equals("connectors");
    if (method.equals("POST") && connectors && path.size() == 1) {
      return new ConfigRequest("POST /connectors", null, true);
    }
    if ((method.equals("PUT") || method.equals("PATCH"))
        && connectors
        && path.size() == 3
        && path.get(2).equals("config")) {
      return new ConfigRequest(
          method + " /connectors/" + path.get(1) + "/config", path.get(1), false);
    }
    if (method.equals("PUT")
        && path.size() == 4
        && path.get(0).equals("connector-plugins")
        && path.get(2).equals("config")
        && path.get(3).equals("validate")) {
      return new ConfigRequest(
          "PUT /connector-plugins/" + path.get(1) + "/config/validate", null, false);
    }
    return null;
  }
}
