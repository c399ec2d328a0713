package io.pgcdc.it.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small client for the Kafka Connect REST API, as a user would call it. */
public final class ConnectRestClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);

  private final URI baseUri;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ConnectRestClient(URI baseUri) {
    this.baseUri = baseUri;
  }

  /** A status and body, for tests that look at error answers. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("not JSON: " + body, e);
      }
    }

    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** An error answer from the REST API. */
  public static final class ConnectRestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    ConnectRestException(String request, Response response) {
      super(request + " answered " + response.status() + ": " + response.body());
      this.status = response.status();
    }

    public int status() {
      return status;
    }
  }

  public URI baseUri() {
    return baseUri;
  }

  /** Sends a request and returns whatever the worker answered. */
  public Response send(String method, String path, Object body) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher =
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + body + " as JSON", e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(baseUri.resolve(path))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .method(method, publisher)
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + method + " " + request.uri(), e);
    }
  }

  /**
   * Sends, and retries what a worker answers while it rebalances or catches up with a config change
   * (right after another connector was created or deleted): a 409, or a 500 saying that a rebalance
   * is expected; a 409 for a name that exists is returned at once.
   */
  public Response sendRetrying(String method, String path, Object body) {
    Deadline deadline = Deadline.in(Duration.ofSeconds(60));
    while (true) {
      Response response = send(method, path, body);
      if (!rebalancing(response) || deadline.expired()) {
        return response;
      }
      deadline.pause();
    }
  }

  private static boolean rebalancing(Response response) {
    return switch (response.status()) {
      case 409 -> !response.body().contains("already exists");
      case 500 -> response.body().contains("rebalance is expected");
      default -> false;
    };
  }

  private JsonNode call(String method, String path, Object body) {
    Response response = sendRetrying(method, path, body);
    if (!response.ok()) {
      throw new ConnectRestException(method + " " + path, response);
    }
    return response.body().isEmpty() ? null : response.json();
  }

  /** GET of {@code path}, retried while the worker rebalances; fails unless the answer is 2xx. */
  public JsonNode get(String path) {
    return call("GET", path, null);
  }

  /** GET /health answers 200 once the worker has joined its group and can take requests. */
  public boolean healthy() {
    try {
      return send("GET", "health", null).status() == 200;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  /** GET /connector-plugins: the connector classes this worker found. */
  public List<ConnectorPlugin> plugins() {
    List<ConnectorPlugin> plugins = new ArrayList<>();
    for (JsonNode plugin : call("GET", "connector-plugins", null)) {
      plugins.add(
          new ConnectorPlugin(
              plugin.path("class").asText(),
              plugin.path("type").asText(),
              plugin.path("version").asText()));
    }
    return plugins;
  }

  /** GET /connectors: names of the connectors. */
  public List<String> connectors() {
    List<String> names = new ArrayList<>();
    call("GET", "connectors", null).forEach(name -> names.add(name.asText()));
    return names;
  }

  /** POST /connectors; fails if the name exists. */
  public JsonNode create(ConnectorDefinition connector) {
    return call("POST", "connectors", connector.toRequestBody());
  }

  /** PUT /connectors/NAME/config: creates or updates. */
  public JsonNode putConfig(ConnectorDefinition connector) {
    return call("PUT", "connectors/" + encode(connector.name()) + "/config", connector.config());
  }

  /** GET /connectors/NAME/config. */
  public Map<String, String> config(String name) {
    return JSON.convertValue(
        call("GET", "connectors/" + encode(name) + "/config", null),
        JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
  }

  /** DELETE /connectors/NAME; false if there was no such connector. */
  public boolean delete(String name) {
    Response response = sendRetrying("DELETE", "connectors/" + encode(name), null);
    if (response.status() == 404) {
      return false;
    }
    if (!response.ok()) {
      throw new ConnectRestException("DELETE /connectors/" + name, response);
    }
    return true;
  }

  /** POST /connectors/NAME/restart?includeTasks=true&onlyFailed=false. */
  public void restart(String name) {
    call("POST", "connectors/" + encode(name) + "/restart?includeTasks=true", null);
  }

  /** PUT /connector-plugins/CLASS/config/validate: the worker's answer, errors included. */
  public JsonNode validate(String connectorClass, Map<String, String> config) {
    return call("PUT", "connector-plugins/" + encode(connectorClass) + "/config/validate", config);
  }

  /**
   * The errors of a {@link #validate} answer: each setting that has any, with its messages one a
   * line.
   */
  public static Map<String, String> validationErrors(JsonNode answer) {
    Map<String, String> errors = new java.util.TreeMap<>();
    for (JsonNode c : answer.path("configs")) {
      JsonNode messages = c.path("value").path("errors");
      if (messages.size() > 0) {
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(m.asText()).append('\n'));
        errors.put(c.path("value").path("name").asText(), text.toString());
      }
    }
    return errors;
  }

  /** GET /connectors/NAME/status. */
  public ConnectorStatus status(String name) {
    return ConnectorStatus.fromJson(call("GET", "connectors/" + encode(name) + "/status", null));
  }

  /** The status, or null while the worker has none yet (404). */
  private ConnectorStatus statusOrNull(String name) {
    Response response = send("GET", "connectors/" + encode(name) + "/status", null);
    if (response.status() == 404) {
      return null;
    }
    if (!response.ok()) {
      throw new ConnectRestException("GET /connectors/" + name + "/status", response);
    }
    return ConnectorStatus.fromJson(response.json());
  }

  /**
   * Waits until the connector and all its tasks (at least one) are RUNNING; fails at once, with the
   * stack traces, if the connector or a task fails.
   */
  public ConnectorStatus awaitRunning(String name, Duration timeout) {
    Deadline deadline = Deadline.in(timeout);
    ConnectorStatus last = null;
    while (true) {
      last = statusOrNull(name);
      if (last != null && last.failed()) {
        throw new AssertionError("connector " + name + " failed: " + last.describe());
      }
      if (last != null && last.running()) {
        return last;
      }
      if (deadline.expired()) {
        throw new AssertionError(
            "connector "
                + name
                + " not RUNNING after "
                + timeout
                + ": "
                + (last == null ? "no status" : last.describe()));
      }
      deadline.pause();
    }
  }

  /** Waits until the connector or one of its tasks is FAILED, and returns that status. */
  public ConnectorStatus awaitFailed(String name, Duration timeout) {
    Deadline deadline = Deadline.in(timeout);
    ConnectorStatus last = null;
    while (true) {
      last = statusOrNull(name);
      if (last != null && last.failed()) {
        return last;
      }
      if (deadline.expired()) {
        throw new AssertionError(
            "connector "
                + name
                + " not FAILED after "
                + timeout
                + ": "
                + (last == null ? "no status" : last.describe()));
      }
      deadline.pause();
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
