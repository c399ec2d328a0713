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
  private static final Duration TIMEOUT = Duration.ofMinutes(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Arrival at the counting client, by payload, for its latency. */
  private static final Map<String, Long> CLIENT_ARRIVALS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** One measured round: when sending started, and when each sender's NOTIFYs committed. */
  private record Round(String tag, long startMillis, long[][] committed) {}

  @Test
  void connectorKeepsUpWithACountingClient(PostgresServer pg, ConnectCluster cluster)
      throws Exception {
    String name = pg.uniqueName("notify_bench");
    String channel = name + "_c";
    String topic = name + "." + channel;
    createTopic(cluster, topic);
    cluster.rest().create(NotifyFixture.notifySource(pg, name, channel));
    try {
      cluster.rest().awaitRunning(name, TIMEOUT);
      NotifyFixture.awaitListening(pg, name, 0);
      long consumed = 0;
      for (String tag : List.of("warmup", "measured")) {
        try (Connection counter = pg.connect()) {
          counter.createStatement().execute("LISTEN \"" + channel + "\"");
          ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1);
          try {
            Future<long[]> counted =
                pool.submit(() -> count(counter.unwrap(PGConnection.class), tag));
            Round round = send(pg, pool, channel, tag);
            long[] clientArrivals = counted.get();
            List<ConsumerRecord<String, String>> records = read(cluster, topic, consumed, TOTAL);
            consumed += TOTAL;
            if (tag.equals("measured")) {
              report(round, clientArrivals, records);
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

  /** Sends TOTAL notifications from SENDERS connections at once: "tag:sender:seq". */
  private static Round send(PostgresServer pg, ExecutorService pool, String channel, String tag)
      throws Exception {
    long[][] committed = new long[SENDERS][TOTAL / SENDERS];
    long start = System.currentTimeMillis();
    List<Future<?>> senders = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int sender = s;
      senders.add(
          pool.submit(
              () -> {
                try (Connection c = pg.connect();
                    PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                  ps.setString(1, channel);
                  for (int i = 0; i < committed[sender].length; i++) {
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
  private static long[] count(PGConnection pg, String tag) throws SQLException {
    long[] arrivals = new long[TOTAL];
    int n = 0;
    Deadline deadline = Deadline.in(TIMEOUT);
    while (n < TOTAL && !deadline.expired()) {
      PGNotification[] batch = pg.getNotifications(500);
      long now = System.currentTimeMillis();
      for (PGNotification x : batch == null ? new PGNotification[0] : batch) {
        if (x.getParameter().startsWith(tag + ":") && n < TOTAL) {
          arrivals[n++] = now;
          CLIENT_ARRIVALS.put(x.getParameter(), now);
        }
      }
    }
    assertThat(n).as("notifications the counting client received").isEqualTo(TOTAL);
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
      Round round, long[] clientArrivals, List<ConsumerRecord<String, String>> records)
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
    double sendRate = TOTAL * 1000.0 / (lastSent - round.startMillis());
    double clientRate = TOTAL * 1000.0 / (clientLast - round.startMillis());
    double connectorRate = TOTAL * 1000.0 / (lastAppend - round.startMillis());
    System.out.println(
        "==== notify benchmark, " + TOTAL + " notifications, " + SENDERS + " senders ====");
    System.out.printf(
        "senders committed: %.0f/s; counting client: %.0f/s; connector into Kafka: %.0f/s"
            + " (%.0f%% of the client); gap records: %d%n",
        sendRate, clientRate, connectorRate, 100 * connectorRate / clientRate, gaps);
    System.out.printf(
        "latency commit -> Kafka append: median %d ms, p99 %d ms, max %d ms%n",
        percentile(kafkaLatency, 50), percentile(kafkaLatency, 99), percentile(kafkaLatency, 100));
    System.out.printf(
        "latency commit -> counting client: median %d ms, p99 %d ms, max %d ms%n",
        percentile(clientLatency, 50),
        percentile(clientLatency, 99),
        percentile(clientLatency, 100));
  }

  private static long percentile(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, index)];
  }
}
