package io.pgcdc.it.cleanup.gate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * A connector without tasks that holds the herder thread of its worker while the file {@code hold}
 * exists in its folder ({@code gate.dir}): it asks for a task reconfiguration when the file
 * appears, and the herder thread then waits in {@link #taskConfigs} until the file is gone (at most
 * two minutes). Meanwhile the herder answers no request, as during a long rebalance.
 */
public final class HerderHoldingConnector extends SourceConnector {
  public static final String DIR_CONFIG = "gate.dir";
  private static final long LONGEST_HOLD_MS = 120_000;
  private static final long PAUSE_MS = 20;

  private volatile Path folder;
  private volatile Thread watcher;

  @Override
  public void start(Map<String, String> props) {
    folder = Path.of(props.get(DIR_CONFIG));
    Thread thread = new Thread(this::watch, "herder-gate-watcher");
    thread.setDaemon(true);
    watcher = thread;
    thread.start();
  }

  /** Asks the herder for task configs each time the file {@code hold} appears. */
  private void watch() {
    boolean asked = false;
    while (!Thread.currentThread().isInterrupted()) {
      boolean hold = Files.exists(folder.resolve(HerderGate.HOLD));
      if (hold && !asked) {
        context.requestTaskReconfiguration();
      }
      asked = hold;
      if (!pause()) {
        return;
      }
    }
  }

  /** Called on the herder thread: holds it while the file {@code hold} exists. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    Path hold = folder.resolve(HerderGate.HOLD);
    if (!Files.exists(hold)) {
      return List.of();
    }
    Path held = folder.resolve(HerderGate.HELD);
    try {
      Files.writeString(held, Thread.currentThread().getName());
      long deadline = System.currentTimeMillis() + LONGEST_HOLD_MS;
      while (Files.exists(hold) && System.currentTimeMillis() < deadline && pause()) {
        // holding the herder thread
      }
      Files.deleteIfExists(held);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to " + folder, e);
    }
    return List.of();
  }

  /** Waits a moment; false if interrupted. */
  static boolean pause() {
    try {
      Thread.sleep(PAUSE_MS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void stop() {
    Thread thread = watcher;
    if (thread != null) {
      thread.interrupt();
    }
  }

  @Override
  public Class<? extends Task> taskClass() {
    return Idle.class;
  }

  @Override
  public ConfigDef config() {
    return new ConfigDef()
        .define(
            DIR_CONFIG,
            ConfigDef.Type.STRING,
            ConfigDef.Importance.HIGH,
            "The folder of the files hold and held.");
  }

  @Override
  public String version() {
    return "test";
  }

  /** Never started: the connector has no tasks. */
  public static final class Idle extends SourceTask {
    @Override
    public String version() {
      return "test";
    }

    @Override
    public void start(Map<String, String> props) {}

    @Override
    public List<SourceRecord> poll() {
      return null;
    }

    @Override
    public void stop() {}
  }
}
