package io.pgcdc.connector.cleanup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgcdc.connector.source.PostgresSourceConfig;
import io.pgcdc.connector.source.signal.Signal;
import io.pgcdc.connector.source.signal.SignalSender;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals to a running pgcdc source through the worker's REST API. The worker reads the connector's
 * config (config providers resolved, as for the task), connects as the connector's user and calls
 * the signal function ({@link SignalSender}): the signal is ordered in the WAL with the data, and
 * the task, wherever it runs, reads it from its slot.
 *
 * <ul>
 *   <li>{@code POST /pgcdc/connectors/NAME/snapshot}, body {@code {"tables": ["public.t"],
 *       "condition": "id > 5"}} (condition optional): copy the tables again, while streaming;
 *   <li>{@code POST .../snapshot/stop} (body {@code {"tables": [...]}} optional: all), {@code
 *       .../snapshot/pause}, {@code .../snapshot/resume};
 *   <li>{@code GET .../snapshot}: the progress the task last wrote.
 * </ul>
 *
 * Answers 202 with the signal's LSN, 400 with what to correct, 404 for no such connector, 409 when
 * the task has not set up signals yet.
 */
@Path("/pgcdc/connectors/{name}/snapshot")
@Produces(MediaType.APPLICATION_JSON)
public class SignalResource {
  private static final Logger log = LoggerFactory.getLogger(SignalResource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.time.Duration CONFIG_READ_LIMIT = java.time.Duration.ofSeconds(30);

  private final ConnectClusterState cluster;
  private final ConfigProviders providers;

  SignalResource(ConnectClusterState cluster, ConfigProviders providers) {
    this.cluster = cluster;
    this.providers = providers;
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response snapshot(@PathParam("name") String name, String body) {
    return send(name, Signal.Action.SNAPSHOT, body);
  }

  @POST
  @Path("/stop")
  @Consumes(MediaType.WILDCARD)
  public Response stop(@PathParam("name") String name, String body) {
    return send(name, Signal.Action.STOP, body);
  }

  @POST
  @Path("/pause")
  @Consumes(MediaType.WILDCARD)
  public Response pause(@PathParam("name") String name, String body) {
    return send(name, Signal.Action.PAUSE, body);
  }

  @POST
  @Path("/resume")
  @Consumes(MediaType.WILDCARD)
  public Response resume(@PathParam("name") String name, String body) {
    return send(name, Signal.Action.RESUME, body);
  }

  @GET
  public Response progress(@PathParam("name") String name) {
    try {
      String progress = SignalSender.progress(config(name));
      ObjectNode answer = JSON.createObjectNode();
      answer.put("connector", name);
      answer.set("progress", progress == null ? null : JSON.readTree(progress));
      return Response.ok(answer.toString()).build();
    } catch (RequestError e) {
      return e.response();
    } catch (IllegalArgumentException e) {
      return error(Response.Status.BAD_REQUEST, e.getMessage());
    } catch (SQLException | JsonProcessingException e) {
      return error(Response.Status.INTERNAL_SERVER_ERROR, "Progress of " + name + ": " + e);
    }
  }

  private Response send(String name, Signal.Action action, String body) {
    try {
      JsonNode request = parse(body);
      List<String> tables = new ArrayList<>();
      JsonNode list = request.path("tables");
      if (!list.isMissingNode() && !list.isNull() && !list.isArray()) {
        throw new IllegalArgumentException("\"tables\" must be a list of table names");
      }
      for (JsonNode t : list) {
        tables.add(t.asText());
      }
      JsonNode condition = request.path("condition");
      SignalSender.Sent sent =
          SignalSender.send(
              config(name), action, tables, condition.isTextual() ? condition.asText() : null);
      log.info(
          "Signal {} of {} for connector {} written at {}",
          action.text(),
          tables,
          name,
          sent.lsn());
      ObjectNode answer = JSON.createObjectNode();
      answer.put("connector", name);
      answer.put("action", action.text());
      answer.putPOJO("tables", sent.tables().stream().map(Object::toString).toList());
      answer.put("lsn", sent.lsn());
      return Response.status(Response.Status.ACCEPTED).entity(answer.toString()).build();
    } catch (RequestError e) {
      return e.response();
    } catch (IllegalArgumentException | ConfigException e) {
      return error(Response.Status.BAD_REQUEST, e.getMessage());
    } catch (SignalSender.NotReady e) {
      return error(Response.Status.CONFLICT, e.getMessage());
    } catch (SQLException e) {
      return error(
          Response.Status.INTERNAL_SERVER_ERROR,
          "Signal " + action.text() + " for connector " + name + " failed: " + e.getMessage());
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (!node.isObject()) {
        throw new IllegalArgumentException("The body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The body is not JSON: " + e.getOriginalMessage());
    }
  }

  /** The connector's config, providers resolved; a {@link RequestError} when there is none. */
  private PostgresSourceConfig config(String name) {
    Map<String, String> config;
    try {
      config = CleanupFilter.readConfig(cluster, name, CONFIG_READ_LIMIT);
    } catch (RuntimeException e) {
      throw new RequestError(
          error(Response.Status.NOT_FOUND, "No connector " + name + " (" + e.getMessage() + ")"));
    }
    if (!CleanupTarget.isSource(config)) {
      throw new RequestError(
          error(
              Response.Status.BAD_REQUEST,
              "Connector " + name + " is not a pgcdc CDC source: signals are for those only"));
    }
    return new PostgresSourceConfig(providers.resolve(config));
  }

  private static Response error(Response.Status status, String message) {
    ObjectNode answer = JSON.createObjectNode();
    answer.put("error_code", status.getStatusCode());
    answer.put("message", message);
    return Response.status(status)
        .entity(answer.toString())
        .type(MediaType.APPLICATION_JSON)
        .build();
  }

  /** A request that gets this answer. */
  private static final class RequestError extends RuntimeException {
    private final transient Response response;

    RequestError(Response response) {
      super(null, null, false, false);
      this.response = response;
    }

    Response response() {
      return response;
    }
  }
}
