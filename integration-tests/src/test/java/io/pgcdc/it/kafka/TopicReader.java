package io.pgcdc.it.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads records from a topic from its beginning, without a consumer group. */
public final class TopicReader {
  private TopicReader() {}

  /**
   * The end offset of {@code partition} (the number of records it has had); 0 while its topic does
   * not exist.
   */
  public static long endOffset(Admin admin, TopicPartition partition) {
    try {
      return admin
          .listOffsets(Map.of(partition, OffsetSpec.latest()))
          .partitionResult(partition)
          .get(30, TimeUnit.SECONDS)
          .offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      return 0; // the topic does not exist yet
    }
  }

  /**
   * Reads records of {@code topic} from the beginning until {@code count} have arrived (returns
   * those first {@code count}, in partition order), or fails when {@code timeout} passes, with what
   * did arrive. Waits for the topic to exist; never creates it.
   */
  public static List<ConsumerRecord<String, String>> read(
      String bootstrapServers, String topic, int count, Duration timeout) {
    List<ConsumerRecord<String, String>> records =
        readUntil(
            bootstrapServers, topic, "" + count + " records", r -> r.size() >= count, timeout);
    return List.copyOf(records.subList(0, count));
  }

  /**
   * Reads records of {@code topic} from the beginning until those read so far satisfy {@code done},
   * and returns them; fails when {@code timeout} passes first, with what did arrive. Waits for the
   * topic to exist; never creates it.
   */
  public static List<ConsumerRecord<String, String>> readUntil(
      String bootstrapServers,
      String topic,
      String what,
      Predicate<List<ConsumerRecord<String, String>>> done,
      Duration timeout) {
    Deadline deadline = Deadline.in(timeout);
    Properties config = new Properties();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pgcdc-test-reader-" + UUID.randomUUID());
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    // a fetch of up to 16 MiB per partition: fewer round trips to a broker slowed by a loaded run
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadline);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      while (!done.test(records)) {
        if (deadline.expired()) {
          throw new AssertionError(
              "topic "
                  + topic
                  + ": not "
                  + what
                  + " after "
                  + timeout
                  + " with "
                  + records.size()
                  + " records: "
                  + records.stream().map(r -> r.key() + " -> " + r.value()).toList());
        }
        Duration wait = deadline.remaining();
        consumer
            .poll(wait.compareTo(Duration.ofMillis(500)) < 0 ? wait : Duration.ofMillis(500))
            .forEach(records::add);
      }
      return records;
    }
  }

  /** The partitions of {@code topic}, once it exists; fails when {@code deadline} passes first. */
  public static List<TopicPartition> awaitPartitions(
      KafkaConsumer<?, ?> consumer, String topic, Deadline deadline) {
    while (true) {
      List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(5)).get(topic);
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      }
      if (deadline.expired()) {
        throw new AssertionError("topic " + topic + " does not exist after " + deadline.timeout());
      }
      deadline.pause();
    }
  }
}
