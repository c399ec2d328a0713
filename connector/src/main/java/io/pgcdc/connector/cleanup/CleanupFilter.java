package io.pgcdc.connector.cleanup;

import io.pgcdc.connector.common.Backoff;
import io.pgcdc.connector.source.PostgresSourceConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.NotFoundException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees {@code DELETE /connectors/NAME} and {@code DELETE /connectors/NAME/offsets}. Before the
 * request runs, it reads the connector's config (afterwards it is gone) and which slots and
 * publications the other connectors read; once the request has succeeded, it drops the slot and
 * publication of a pgcdc source with {@code cleanup.on.delete=true}, unless another connector reads
 * them.
 */
final class CleanupFilter implements ContainerRequestFilter, ContainerResponseFilter {
  private static final Logger log = LoggerFactory.getLogger(CleanupFilter.class);
  private static final String PROPERTY = CleanupFilter.class.getName();
  private static final java.time.Duration CONFIG_READ_LIMIT = java.time.Duration.ofSeconds(60);

  /**
   * How long the list of connectors, and the config of each other connector, may take to read: the
   * herder answers neither during a rebalance, which a delete in a busy cluster often meets.
   */
  private static final java.time.Duration OTHERS_READ_LIMIT = java.time.Duration.ofSeconds(30);

  private final ConnectClusterState cluster;
  private final ConfigProviders providers;
  private final ReplicationCleaner cleaner;

  /** What the request filter found, for the response filter. */
  private record Pending(CleanupRequest request, CleanupTarget target, OtherReaders otherReaders) {}

  /**
   * The slots and publications that the other pgcdc sources read ("slot x" and "publication y" to
   * the name of a connector reading it), or why they could not all be read: then nobody can say
   * that the slot is unused.
   */
  record OtherReaders(Map<String, String> readers, String unknownBecause) {
    static OtherReaders unknown(String because) {
      return new OtherReaders(Map.of(), because);
    }

    boolean known() {
      return unknownBecause == null;
    }
  }

  CleanupFilter(
      ConnectClusterState cluster, ConfigProviders providers, ReplicationCleaner cleaner) {
    this.cluster = cluster;
    this.providers = providers;
    this.cleaner = cleaner;
  }

  /** Never fails the request: what goes wrong here is logged, and the request runs as usual. */
  @Override
  public void filter(ContainerRequestContext request) {
    try {
      prepare(request);
    } catch (RuntimeException e) {
      log.warn(
          "Cannot prepare the cleanup for {} {}: if it deletes a pgcdc source, its slot and"
              + " publication are not dropped",
          request.getMethod(),
          request.getUriInfo().getPath(),
          e);
    }
  }

  private void prepare(ContainerRequestContext request) {
    List<String> segments = new ArrayList<>();
    for (PathSegment segment : request.getUriInfo().getPathSegments(true)) {
      segments.add(segment.getPath());
    }
    Optional<CleanupRequest> match =
        CleanupRequest.match(
            request.getMethod(), segments, request.getUriInfo().getQueryParameters().keySet());
    if (match.isEmpty()) {
      return;
    }
    String name = match.get().connector();
    Map<String, String> config;
    try {
      config = readConfig(cluster, name, CONFIG_READ_LIMIT);
    } catch (RuntimeException e) {
      if (!causedByNotFound(e)) {
        // The request itself will most likely fail the same way; if it succeeds, say so then.
        log.warn(
            "Cannot read the config of connector {} before it is {}: if it is a pgcdc source, its"
                + " slot and publication are not dropped ({})",
            name,
            match.get().kind().done(),
            e.toString());
      }
      return;
    }
    Optional<CleanupTarget> target = CleanupTarget.of(name, providers.resolve(config));
    if (target.isEmpty()) {
      if (CleanupTarget.isSource(config)) {
        log.info(
            "Connector {} has {}=false: its slot {} and publication {} are kept",
            name,
            PostgresSourceConfig.CLEANUP_ON_DELETE_CONFIG,
            PostgresSourceConfig.slotName(config),
            PostgresSourceConfig.publicationName(config));
      }
      return;
    }
    OtherReaders others = otherReaders(cluster, name, OTHERS_READ_LIMIT);
    if (!others.known()) {
      // Said now, while the request may still be waiting for the herder: the outcome comes later.
      log.info(
          "Cannot tell whether another connector reads slot {} or publication {} of connector {}"
              + " ({}): if it is {}, they are kept",
          target.get().slot(),
          target.get().publication(),
          name,
          others.unknownBecause(),
          match.get().kind().done());
    }
    request.setProperty(PROPERTY, new Pending(match.get(), target.get(), others));
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(PROPERTY) instanceof Pending pending)) {
      return;
    }
    request.removeProperty(PROPERTY);
    if (response.getStatusInfo().getFamily() != Response.Status.Family.SUCCESSFUL) {
      return; // not deleted or not reset: nothing to clean up
    }
    CleanupTarget target = pending.target();
    OtherReaders others = pending.otherReaders();
    if (!others.known()) {
      // Nobody can say that the slot is unused: dropping it could take a live connector's
      // changes away for good, keeping it only holds WAL until someone drops it by hand.
      log.warn(
          "Connector {} was {}, but the other connectors of the cluster could not be read ({}):"
              + " its slot {} and publication {} are kept in case another connector reads them."
              + " When none does, run on its database: {}",
          target.connector(),
          pending.request().kind().done(),
          others.unknownBecause(),
          target.slot(),
          target.publication(),
          target.manualSql());
      return;
    }
    String slotReader = others.readers().get("slot " + target.slot());
    String publicationReader = others.readers().get("publication " + target.publication());
    if (slotReader != null || publicationReader != null) {
      log.warn(
          "Connector {} was {}, but connector {} reads the same {}: kept",
          target.connector(),
          pending.request().kind().done(),
          slotReader != null ? slotReader : publicationReader,
          slotReader != null ? "slot " + target.slot() : "publication " + target.publication());
    }
    cleaner.clean(pending.request(), target, slotReader != null, publicationReader != null);
  }

  /**
   * What the pgcdc sources other than {@code name} read. A connector deleted in the meantime is
   * left out; any other failure to list the connectors, or to read one's config within {@code
   * readLimit}, leaves the answer unknown.
   */
  static OtherReaders otherReaders(
      ConnectClusterState cluster, String name, java.time.Duration readLimit) {
    Collection<String> connectors;
    try {
      connectors = retried("the list of connectors", cluster::connectors, readLimit);
    } catch (RuntimeException e) {
      return OtherReaders.unknown("cannot list the connectors: " + e);
    }
    Map<String, String> readers = new HashMap<>();
    for (String other : connectors) {
      if (other.equals(name)) {
        continue;
      }
      Map<String, String> config;
      try {
        config = readConfig(cluster, other, readLimit);
      } catch (RuntimeException e) {
        if (causedByNotFound(e)) {
          continue; // deleted in the meantime: it reads nothing
        }
        return OtherReaders.unknown("cannot read the config of connector " + other + ": " + e);
      }
      if (CleanupTarget.isSource(config)) {
        readers.put("slot " + PostgresSourceConfig.slotName(config), other);
        readers.put("publication " + PostgresSourceConfig.publicationName(config), other);
      }
    }
    return new OtherReaders(readers, null);
  }

  /**
   * The connector's config. The herder answers config reads on its own thread, which is busy during
   * a rebalance, so a read can time out while the cluster is settling (seen under load right after
   * a connector was created): such a read is tried again for up to {@link #CONFIG_READ_LIMIT}. A
   * connector that does not exist fails at once.
   */
  static Map<String, String> readConfig(
      ConnectClusterState cluster, String name, java.time.Duration limit) {
    return retried("the config of connector " + name, () -> cluster.connectorConfig(name), limit);
  }

  /**
   * What {@code read} answers, tried again while it fails for up to {@code limit}; a connector that
   * does not exist fails at once.
   */
  private static <T> T retried(String what, Supplier<T> read, java.time.Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    long maxMs = Math.max(1, limit.toMillis() / 4);
    Backoff backoff =
        new Backoff(
            java.time.Duration.ofMillis(Math.min(200, maxMs)), java.time.Duration.ofMillis(maxMs));
    for (int failures = 0; ; failures++) {
      try {
        return read.get();
      } catch (RuntimeException e) {
        if (causedByNotFound(e) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.debug("Reading {} failed, trying again: {}", what, e.toString());
      }
      if (!Backoff.sleep(backoff.after(failures))) {
        throw new IllegalStateException("interrupted while reading " + what);
      }
    }
  }

  private static boolean causedByNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NotFoundException) {
        return true;
      }
    }
    return false;
  }
}
