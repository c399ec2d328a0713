package io.pgcdc.connector.rest;

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

  private final ConnectClusterState cluster;
  private final ConfigProviders providers;
  private final ReplicationCleaner cleaner;

  /** What the request filter found, for the response filter. */
  private record Pending(
      CleanupRequest request, CleanupTarget target, Map<String, String> otherReaders) {}

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
    request.setProperty(PROPERTY, new Pending(match.get(), target.get(), otherReaders(name)));
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
    String slotReader = pending.otherReaders().get("slot " + target.slot());
    String publicationReader = pending.otherReaders().get("publication " + target.publication());
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
   * The slots and publications that pgcdc sources other than {@code name} read ("slot x" and
   * "publication y" to the name of a connector reading it). A connector whose config cannot be read
   * (deleted in the meantime) is left out.
   */
  private Map<String, String> otherReaders(String name) {
    Map<String, String> readers = new HashMap<>();
    Collection<String> connectors;
    try {
      connectors = cluster.connectors();
    } catch (RuntimeException e) {
      log.debug("Cannot list the connectors: {}", e.toString());
      return readers;
    }
    for (String other : connectors) {
      if (other.equals(name)) {
        continue;
      }
      try {
        Map<String, String> config = cluster.connectorConfig(other);
        if (CleanupTarget.isSource(config)) {
          readers.put("slot " + PostgresSourceConfig.slotName(config), other);
          readers.put("publication " + PostgresSourceConfig.publicationName(config), other);
        }
      } catch (RuntimeException e) {
        log.debug("Cannot read the config of connector {}: {}", other, e.toString());
      }
    }
    return readers;
  }

  /**
   * The connector's config. The herder answers config reads on its own thread, which is busy during
   * a rebalance, so a read can time out while the cluster is settling (seen under load right after
   * a connector was created): such a read is tried again for up to {@link #CONFIG_READ_LIMIT}. A
   * connector that does not exist fails at once.
   */
  static Map<String, String> readConfig(
      ConnectClusterState cluster, String name, java.time.Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    long backoffMs = 200;
    while (true) {
      try {
        return cluster.connectorConfig(name);
      } catch (RuntimeException e) {
        if (causedByNotFound(e) || System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.debug(
            "Reading the config of connector {} failed, trying again: {}", name, e.toString());
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading the config of " + name);
      }
      backoffMs = Math.min(backoffMs * 2, Math.max(1, limit.toMillis() / 4));
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
