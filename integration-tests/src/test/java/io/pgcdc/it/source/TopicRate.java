package io.pgcdc.it.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgcdc.it.kafka.ConnectCluster;
import io.pgcdc.it.kafka.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Records per second in a topic, from its first record's arrival to the expected count's, for the
 * benchmarks: the topic's end offsets polled every 100 ms, without fetching a record.
 *
 * @param firstAt when the first record was seen (epoch milliseconds)
 * @param lastAt when the expected count was reached (epoch milliseconds)
 */
record TopicRate(double perSecond, long firstAt, long lastAt) {
  static TopicRate measure(ConnectCluster cluster, String topic, long expected, Duration timeout) {
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-benchmark-" + UUID.randomUUID());
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Deadline deadline = Deadline.in(timeout);
      List<TopicPartition> partitions = List.of();
      long firstAt = 0;
      long firstCount = 0;
      while (true) {
        if (partitions.isEmpty()) {
          List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(5)).get(topic);
          if (infos != null) {
            partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
          }
        }
        long count = 0;
        if (!partitions.isEmpty()) {
          for (Map.Entry<TopicPartition, Long> e : consumer.endOffsets(partitions).entrySet()) {
            count += e.getValue();
          }
        }
        long now = System.currentTimeMillis();
        if (count > 0 && firstAt == 0) {
          firstAt = now;
          firstCount = count;
        }
        if (count >= expected) {
          return new TopicRate((count - firstCount) / ((now - firstAt) / 1e3), firstAt, now);
        }
        assertThat(deadline.expired()).as("%s: %d of %d records", topic, count, expected).isFalse();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }
}
