package io.pgcdc.connector.json;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * A {@link Struct} that another thread may convert to JSON before Connect's task thread asks for
 * it. Connect converts and sends every record of a task on that task's one thread; a source that
 * builds its records on several threads (the parallel snapshot) can hand them this way to take the
 * conversion, a large share of the task thread's work per snapshot record (docs/performance.md has
 * the figures), off that one thread, which every record of the task passes.
 *
 * <p>It works only with pgcdc's {@link JsonConverter}, and only once the converter has asked: the
 * first time the task thread's converter meets a struct of a {@link Preconverter}, it offers itself
 * there, and from then on {@link #convertAhead} converts with that very instance (same settings,
 * same code, so the same bytes). With any other converter nothing is converted ahead and nothing is
 * spent. The converter uses the bytes once, and only for the schema, topic and converter they were
 * made for; a {@code put} after {@link #convertAhead} drops them. The structs nested in this one
 * are plain structs: a source may use this class only where nothing changes a record between its
 * {@code poll()} and the converter, that is, with no transformations configured.
 */
public final class PreconvertedStruct extends Struct {
  private final Preconverter preconverter;

  /** Written by the converting thread before the record is handed over (a happens-before). */
  private JsonConverter convertedBy;

  private String convertedTopic;
  private JsonConverter.Converted converted;

  public PreconvertedStruct(Schema schema, Preconverter preconverter) {
    super(schema);
    this.preconverter = preconverter;
  }

  /**
   * Converts this struct, complete, for {@code topic} with the converter that asked for it, and
   * keeps the bytes; does nothing while none has. A struct the converter fails on keeps no bytes:
   * the task thread converts it again and fails there, where Connect's error handling ({@code
   * errors.tolerance}) sees the failure.
   */
  public void convertAhead(String topic) {
    JsonConverter converter = preconverter.converter();
    if (converter == null) {
      return;
    }
    try {
      converted = converter.convertApart(topic, schema(), this);
      convertedBy = converter;
      convertedTopic = topic;
    } catch (RuntimeException e) {
      forget();
    }
  }

  /**
   * The bytes converted ahead by {@code converter} for this topic and schema, handed over once: the
   * struct lets go of them, since Connect keeps the record until Kafka acknowledges it and the
   * bytes are copied into the producer's batch. Null when there are none for these (and {@code
   * converter} offers itself for the structs built after this one).
   */
  byte[] takeConverted(JsonConverter converter, String topic, Schema schema) {
    if (converted != null
        && convertedBy == converter
        && schema == schema()
        && topic != null
        && topic.equals(convertedTopic)) {
      byte[] bytes = converted.join();
      forget();
      return bytes;
    }
    preconverter.offer(converter);
    return null;
  }

  /** The bytes converted ahead and not handed over yet, or null (for tests). */
  byte[] peekConverted() {
    return converted == null ? null : converted.join();
  }

  @Override
  public Struct put(String fieldName, Object value) {
    forget();
    return super.put(fieldName, value);
  }

  @Override
  public Struct put(Field field, Object value) {
    forget();
    return super.put(field, value);
  }

  private void forget() {
    converted = null;
    convertedBy = null;
    convertedTopic = null;
  }

  /**
   * The converter that converts the structs of one kind (the keys or the values of one task's
   * records) ahead: the first pgcdc {@link JsonConverter} to meet one of them. A task keeps one for
   * its keys and one for its values, since Connect converts them with two converter instances.
   */
  public static final class Preconverter {
    private volatile JsonConverter converter;

    JsonConverter converter() {
      return converter;
    }

    void offer(JsonConverter c) {
      if (converter == null) {
        converter = c;
      }
    }

    /** Whether a converter has asked (for tests and logs). */
    public boolean active() {
      return converter != null;
    }
  }
}
