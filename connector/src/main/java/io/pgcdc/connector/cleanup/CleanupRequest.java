package io.pgcdc.connector.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A REST request after which a source connector's slot and publication go: {@code DELETE
 * /connectors/NAME} or {@code DELETE /connectors/NAME/offsets}, as a user sent it.
 *
 * @param connector the connector's name, decoded
 * @param kind what the request does to the connector
 */
record CleanupRequest(String connector, Kind kind) {

  /** What the request does; its text completes "connector X was ...". */
  enum Kind {
    DELETE("deleted"),
    OFFSETS_RESET("reset (its offsets were deleted)");

    private final String done;

    Kind(String done) {
      this.done = done;
    }

    String done() {
      return done;
    }
  }

  /**
   * The cleanup a request calls for, if any. A request that a worker forwarded to the leader (it
   * carries the {@code forward} query parameter) is skipped: the worker that took the user's
   * request cleans up, once.
   *
   * @param method the HTTP method
   * @param pathSegments the decoded path below the REST API's root, e.g. [connectors, orders]
   * @param queryParameters the names of the query parameters
   */
  static Optional<CleanupRequest> match(
      String method, List<String> pathSegments, Set<String> queryParameters) {
    if (!"DELETE".equalsIgnoreCase(method) || queryParameters.contains("forward")) {
      return Optional.empty();
    }
    List<String> path = new ArrayList<>();
    for (String segment : pathSegments) {
      if (!segment.isEmpty()) {
        path.add(segment);
      }
    }
    if (path.size() < 2 || !path.get(0).equals("connectors")) {
      return Optional.empty();
    }
    if (path.size() == 2) {
      return Optional.of(new CleanupRequest(path.get(1), Kind.DELETE));
    }
    if (path.size() == 3 && path.get(2).equals("offsets")) {
      return Optional.of(new CleanupRequest(path.get(1), Kind.OFFSETS_RESET));
    }
    return Optional.empty();
  }
}
