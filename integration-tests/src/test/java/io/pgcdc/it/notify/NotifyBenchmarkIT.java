package io.pgcdc.it.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import io.pgcdc.it.kafka.KafkaConnectExtension;
import io.pgcdc.it.kafka.TopicReader;
import io.pgcdc.it.pg.PostgresExtension;
import io.pgcdc.it.pg.PostgresServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Isolated;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Notifications per second from 4 concurrent senders through the real worker into Kafka, beside a
 * client that only counts them (LISTEN + getNotifications in a loop) in the same run, on the same
 * channel; and the latency from each NOTIFY's commit (its sender's statement returned) to its
 * record in Kafka (the broker's append time: the topic is created with
 * message.timestamp.type=LogAppendTime) and to the counting client. Not part of the test suite; run
 * with
 *
 * <pre>
 * mvn -pl integration-tests -am verify -Dit.test=NotifyBenchmarkIT -Dtest=NoSuchTest
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dbenchmark=true [-Dbenchmark.notifications=200000]
 * </pre>
 *
 * A warm-up of the same size runs first, unmeasured. Figures go to docs/performance.md.
 */
@Isolated
@org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "benchmark", matches = "true")
@ExtendWith({PostgresExtension.class, KafkaConnectExtension.class})
class NotifyBenchmarkIT {
  private static final int TOTAL = Integer.getInteger("benchmark.notifications", 200_000);
  private static final int SENDERS = 4;

  /**
   * The paced round: one sender at this many notifications per second for 10 seconds ({@code
   * -Dbenchmark.paced.rate}, 0 leaves it out): the latency of a pipeline that is not saturated.
   */
  private static final int PACED_RATE = Integer.getInteger("benchmark.paced.rate", 1_000);

  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Arrival at the counting client, by payload, for its latency. */
  private static final Map<String, Long> CLIENT_ARRIVALS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** One measured round: when sending started, and when each sender's NOTIFYs committed. */
  private record Round(String tag, long startMillis, long[][] committed) {
    int total() {
      return committed.length * committed[0].length;
    }
  }

  /**
   * A round to run: its tag, senders, notifications, and rate per second (0: as fast as can be).
   */
  private record Plan(String tag, int senders, int total, int rate) {}

  @Test
  void connectorKeepsUpWithACountingClient(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    String name = pg.uniqueName("notify_bench");
    String channel = name + "_c";
    String topic = name + "." + channel;
    createTopic(cluster, topic);
    cluster.rest().create(NotifyFixture.notifySource(pg, name, channel));
    try {
      NotifyFixture.awaitRunningAndListening(cluster, name);
      long consumed = 0;
      List<Plan> plans = new ArrayList<>();
      plans.add(new Plan("warmup", SENDERS, TOTAL, 0));
      plans.add(new Plan("measured", SENDERS, TOTAL, 0));
      if (PACED_RATE > 0) {
        plans.add(new Plan("paced", 1, PACED_RATE * 10, PACED_RATE));
      }
      for (Plan plan : plans) {
        try (Connection counter = pg.connect()) {
          counter.createStatement().execute("LISTEN \"" + channel + "\"");
          ExecutorService pool = Executors.newFixedThreadPool(plan.senders() + 1);
          try {
            Future<long[]> counted =
                pool.submit(
                    () -> count(counter.unwrap(PGConnection.class), plan.tag(), plan.total()));
            Round round = send(pg, pool, channel, plan);
            long[] clientArrivals = counted.get();
            List<ConsumerRecord<String, String>> records =
                read(cluster, topic, consumed, plan.total());
            consumed += plan.total();
            if (!plan.tag().equals("warmup")) {
              report(plan, round, clientArrivals, records);
            }
          } finally {
            pool.shutdownNow();
          }
        }
      }
    } finally {
      cluster.rest().delete(name);
    }
  }

  private static void createTopic(ConnectCluster cluster, String topic) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(Map.of("message.timestamp.type", "LogAppendTime"))))
          .all()
          .get();
    }
  }

  /**
   * Sends the plan's notifications from its senders at once, "tag:sender:seq"; a paced sender sends
   * each at its scheduled time (load generation, not a wait for work).
   */
  private static Round send(PostgresServer pg, ExecutorService pool, String channel, Plan plan)
      throws Exception {
    String tag = plan.tag();
    long[][] committed = new long[plan.senders()][plan.total() / plan.senders()];
    long start = System.currentTimeMillis();
    long startNanos = System.nanoTime();
    List<Future<?>> senders = new ArrayList<>();
    for (int s = 0; s < plan.senders(); s++) {
      int sender = s;
      senders.add(
          pool.submit(
              () -> {
                try (Connection c = pg.connect();
                    PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                  ps.setString(1, channel);
                  for (int i = 0; i < committed[sender].length; i++) {
                    if (plan.rate() > 0) {
                      long due = startNanos + i * 1_000_000_000L / plan.rate();
                      java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                    }
                    ps.setString(2, tag + ":" + sender + ":" + i);
                    ps.executeQuery().close();
                    committed[sender][i] = System.currentTimeMillis();
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : senders) {
      f.get();
    }
    return new Round(tag, start, committed);
  }

  /** The counting client: the arrival time of every notification of {@code tag}, by order. */
  private static long[] count(PGConnection pg, String tag, int total) throws SQLException {
    long[] arrivals = new long[total];
    int n = 0;
    Deadline deadline = Deadline.in(TIMEOUT);
    while (n < total && !deadline.expired()) {
      PGNotification[] batch = pg.getNotifications(500);
      long now = System.currentTimeMillis();
      for (PGNotification x : batch == null ? new PGNotification[0] : batch) {
        if (x.getParameter().startsWith(tag + ":") && n < total) {
          arrivals[n++] = now;
          CLIENT_ARRIVALS.put(x.getParameter(), now);
        }
      }
    }
    assertThat(n).as("notifications the counting client received").isEqualTo(total);
    return arrivals;
  }

  /** The next {@code count} records of {@code topic}, from offset {@code from}. */
  private static List<ConsumerRecord<String, String>> read(
      ConnectCluster cluster, String topic, long from, int count) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "notify-bench-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    Deadline deadline = Deadline.in(TIMEOUT);
    List<ConsumerRecord<String, String>> records = new ArrayList<>(count);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = TopicReader.awaitPartitions(consumer, topic, deadline);
      consumer.assign(partitions);
      consumer.seek(partitions.get(0), from);
      while (records.size() < count) {
        assertThat(deadline.expired()).as("%d of %d records", records.size(), count).isFalse();
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
    }
    return records.subList(0, count);
  }

  private static void report(
      Plan plan, Round round, long[] clientArrivals, List<ConsumerRecord<String, String>> records)
      throws IOException {
    long[] kafkaLatency = new long[records.size()];
    long[] clientLatency = new long[records.size()];
    long lastAppend = 0;
    int gaps = 0;
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, String> r = records.get(i);
      JsonNode value = JSON.readTree(r.value()).path("payload");
      if (!"notification".equals(value.path("kind").asText())) {
        gaps++;
        continue;
      }
      String payload = value.path("payload").asText();
      String[] parts = payload.split(":");
      long committed = round.committed()[Integer.parseInt(parts[1])][Integer.parseInt(parts[2])];
      kafkaLatency[i] = r.timestamp() - committed;
      clientLatency[i] = CLIENT_ARRIVALS.get(payload) - committed;
      lastAppend = Math.max(lastAppend, r.timestamp());
    }
    long lastSent =
        Arrays.stream(round.committed()).mapToLong(a -> a[a.length - 1]).max().orElse(0);
    long clientLast = clientArrivals[clientArrivals.length - 1];
    int total = round.total();
    double sendRate = total * 1000.0 / (lastSent - round.startMillis());
    double clientRate = total * 1000.0 / (clientLast - round.startMillis());
    double connectorRate = total * 1000.0 / (lastAppend - round.startMillis());
    System.out.println(
        "==== notify benchmark, "
            + plan.tag()
            + ": "
            + total
            + " notifications, "
            + plan.senders()
            + " senders, "
            + (plan.rate() == 0 ? "unpaced" : plan.rate() + "/s each")
            + " ====");
    System.out.printf(
        "senders committed: %.0f/s; counting client: %.0f/s; connector into Kafka: %.0f/s"
            + " (%.0f%% of the client); gap records: %d%n",
        sendRate, clientRate, connectorRate, 100 * connectorRate / clientRate, gaps);
    printLoaded(round, clientArrivals, records);
    System.out.printf(
        "latency commit -> Kafka append: median %d ms, p99 %d ms, max %d ms%n",
        percentile(kafkaLatency, 50), percentile(kafkaLatency, 99), percentile(kafkaLatency, 100));
    System.out.printf(
        "latency commit -> counting client: median %d ms, p99 %d ms, max %d ms%n",
        percentile(clientLatency, 50),
        percentile(clientLatency, 99),
        percentile(clientLatency, 100));
  }

  /**
   * The rates while every sender was still sending (until the first finished): records the client
   * and the connector had by then, over that time. The overall rates hide a backlog that the
   * connector works off once the senders slow down.
   */
  private static void printLoaded(
      Round round, long[] clientArrivals, List<ConsumerRecord<String, String>> records) {
    long until = Arrays.stream(round.committed()).mapToLong(a -> a[a.length - 1]).min().orElse(0);
    long client = Arrays.stream(clientArrivals).filter(a -> a <= until).count();
    long connector = records.stream().filter(r -> r.timestamp() <= until).count();
    double seconds = (until - round.startMillis()) / 1000.0;
    System.out.printf(
        "while all senders ran (%.1f s): counting client %.0f/s, connector %.0f/s (%.0f%%)%n",
        seconds, client / seconds, connector / seconds, 100.0 * connector / client);
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)];
  }
}
