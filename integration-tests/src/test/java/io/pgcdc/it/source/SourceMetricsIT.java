package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.LogFiles;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The task's MBean, read from the worker's JVM: the test attaches to it (same user, loopback) and
 * starts its local management agent, so the worker needs no JMX options.
 */
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class SourceMetricsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int ROWS = 500;

  @Test
  void taskReportsSnapshotProgressLagAndRetainedWalOverJmx(
      ConnectCluster cluster, PostgresServer pg) throws Exception {
    String name = pg.uniqueName("metrics");
    String table = name + "_t";
    String slot = "pgcdc_" + name;
    pg.execute(
        "CREATE TABLE public." + table + " (id int PRIMARY KEY, v text)",
        "INSERT INTO public."
            + table
            + " SELECT g, md5(g::text) FROM generate_series(1, "
            + ROWS
            + ") g",
        "ANALYZE public." + table);
    Path workerLog = cluster.worker().process().logFile();
    long logBefore = LogFiles.size(workerLog);
    ObjectName bean =
        new ObjectName("io.pgcdc:type=source-task-metrics,connector=" + name + ",task=0");
    try (JMXConnector jmx = attach(cluster.worker().process().pid())) {
      MBeanServerConnection worker = jmx.getMBeanServerConnection();
      cluster
          .rest()
          .create(
              SourceFixture.source(pg, name, "public." + table)
                  .with("heartbeat.interval.ms", "500")
                  .with("slot.retained.wal.warn.bytes", "1"));
      Deadline deadline = Deadline.in(TIMEOUT);
      deadline.await(
          "snapshot of " + ROWS + " rows in the MBean",
          () ->
              map(attribute(worker, bean, "SnapshotRowsDone")).get("public." + table) != null
                  && map(attribute(worker, bean, "SnapshotRowsDone")).get("public." + table) == ROWS
                  && map(attribute(worker, bean, "SnapshotRowsEstimated")).get("public." + table)
                      != null,
          () -> String.valueOf(attribute(worker, bean, "SnapshotRowsDone")));
      assertThat(map(attribute(worker, bean, "SnapshotRowsEstimated")))
          .containsEntry("public." + table, (long) ROWS);

      pg.execute(
          "INSERT INTO public." + table + " SELECT g, 'x' FROM generate_series(1001, 1100) g");
      deadline.await(
          "100 changes after the snapshot, at a rate",
          () ->
              (long) attribute(worker, bean, "EventsTotal") >= ROWS + 100
                  && (double) attribute(worker, bean, "EventsPerSecond") > 0,
          () -> attribute(worker, bean, "EventsTotal") + " events");
      deadline.await(
          "the slot's confirmed position and retained WAL",
          () ->
              !((String) attribute(worker, bean, "LastConfirmedLsn")).isEmpty()
                  && (long) attribute(worker, bean, "RetainedWalBytes") > 0,
          () -> "not sampled");
      long behind = (long) attribute(worker, bean, "MillisBehindSource");
      long lag = (long) attribute(worker, bean, "LagBytes");
      assertThat(behind).isBetween(0L, TIMEOUT.toMillis());
      assertThat(lag).isGreaterThanOrEqualTo(0L);
      String retainedWarning = "Replication slot " + slot + " retains";
      deadline.await(
          "a warning about retained WAL in the worker log",
          () -> LogFiles.tailSince(workerLog, logBefore, 5000).contains(retainedWarning),
          () -> LogFiles.tailSince(workerLog, logBefore, 20));

      cluster.rest().delete(name);
      deadline.await(
          "the MBean to be unregistered with the task",
          () -> !isRegistered(worker, bean),
          () -> "still registered");
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE public." + table);
    }
  }

  @Test
  void taskReportsTheCopyOfAnAddedTableOverJmx(ConnectCluster cluster, PostgresServer pg)
      throws Exception {
    String name = pg.uniqueName("metricscopy");
    String a = name + "_a";
    String b = name + "_b";
    AddTableFixture.createTables(pg, a, b, ROWS);
    ObjectName bean =
        new ObjectName("io.pgcdc:type=source-task-metrics,connector=" + name + ",task=0");
    try (JMXConnector jmx = attach(cluster.worker().process().pid())) {
      MBeanServerConnection worker = jmx.getMBeanServerConnection();
      var onlyA = SourceFixture.source(pg, name, "public." + a);
      cluster.rest().create(onlyA);
      SourceFixture.readUntil(cluster, name + ".public." + a, l -> l.size() >= 10, TIMEOUT);
      cluster.rest().putConfig(onlyA.with("table.include.list", "public." + a + ",public." + b));
      Deadline.in(TIMEOUT)
          .await(
              "the copy of " + b + " done in the MBean",
              () ->
                  Boolean.TRUE.equals(
                      entries(attribute(worker, bean, "IncrementalCopyDone")).get("public." + b)),
              () -> String.valueOf(entries(attribute(worker, bean, "IncrementalCopyRowsDone"))));
      assertThat(entries(attribute(worker, bean, "IncrementalCopyRowsDone")))
          .containsEntry("public." + b, (long) ROWS);
      assertThat(entries(attribute(worker, bean, "IncrementalCopyLastKey")))
          .containsEntry("public." + b, String.valueOf(ROWS));
      assertThat(entries(attribute(worker, bean, "IncrementalCopyDone"))).hasSize(1);
    } finally {
      SourceFixture.cleanup(cluster, pg, name);
      pg.execute("DROP TABLE " + a, "DROP TABLE " + b);
    }
  }

  /** An MXBean map attribute (a table of key and value) as a map; empty when absent. */
  private static Map<String, Object> entries(Object tabular) {
    Map<String, Object> map = new HashMap<>();
    if (tabular instanceof TabularData rows) {
      for (Object row : rows.values()) {
        CompositeData entry = (CompositeData) row;
        map.put((String) entry.get("key"), entry.get("value"));
      }
    }
    return map;
  }

  private static JMXConnector attach(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
    } finally {
      vm.detach();
    }
  }

  /** The attribute, or null while the MBean is not registered yet. */
  private static Object attribute(MBeanServerConnection worker, ObjectName bean, String name) {
    try {
      return worker.isRegistered(bean) ? worker.getAttribute(bean, name) : null;
    } catch (JMException e) {
      return null; // unregistered between the two calls
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isRegistered(MBeanServerConnection worker, ObjectName bean) {
    try {
      return worker.isRegistered(bean);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An MXBean's {@code Map<String, Long>} arrives as rows of (key, value). */
  private static Map<String, Long> map(Object tabular) {
    Map<String, Long> map = new HashMap<>();
    if (tabular instanceof TabularData rows) {
      for (Object row : rows.values()) {
        CompositeData entry = (CompositeData) row;
        map.put((String) entry.get("key"), (Long) entry.get("value"));
      }
    }
    return map;
  }
}
