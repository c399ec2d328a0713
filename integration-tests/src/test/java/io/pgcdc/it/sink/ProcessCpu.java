package io.pgcdc.it.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** CPU seconds of local processes and their threads, from /proc (Linux only), for benchmarks. */
final class ProcessCpu {
  /** Linux clock ticks per second (USER_HZ) in /proc/PID/stat. */
  private static final double TICKS_PER_SECOND = 100.0;

  private ProcessCpu() {}

  /** User plus system CPU seconds a local process has used so far. */
  static double seconds(long pid) {
    try {
      return ofStat(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
    }
  }

  private static double ofStat(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
  }

  /** A thread's name (as Linux keeps it) and the CPU seconds it has used so far. */
  record ThreadCpu(String name, double seconds) {}

  /** The threads of a local process, by thread id. */
  static Map<String, ThreadCpu> threads(long pid) {
    Map<String, ThreadCpu> threads = new HashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          threads.put(task.getFileName().toString(), new ThreadCpu(name, ofStat(stat)));
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the threads of process " + pid, e);
    }
    return threads;
  }

  /**
   * The CPU seconds threads used between two readings, summed by what they do at the second reading
   * (Linux keeps the first 15 characters of a Java thread's name, and the worker renames its pool
   * threads while they run a task or a connector, so threads are matched by id): the sink's writer
   * thread, the task thread (consumer, converter and the sink's reading of records), garbage
   * collection, the JIT, and others by name when they used 0.3 s or more.
   */
  static Map<String, Double> byThreadGroup(
      Map<String, ThreadCpu> before, Map<String, ThreadCpu> after) {
    Map<String, Double> groups = new LinkedHashMap<>();
    for (String group : new String[] {"sink writer", "task", "GC", "JIT", "other"}) {
      groups.put(group, 0.0);
    }
    after.forEach(
        (id, thread) -> {
          String group = groupOf(thread.name());
          ThreadCpu earlier = before.get(id);
          double used = thread.seconds() - (earlier == null ? 0 : earlier.seconds());
          if (group.equals("other") && used >= 0.3) {
            group =
                thread.name().replaceAll("[0-9]+", "N"); // named when it used a noticeable share
          }
          groups.merge(group, used, Double::sum);
        });
    groups.replaceAll((group, cpu) -> Math.round(cpu * 10) / 10.0);
    return groups;
  }

  private static String groupOf(String name) {
    if (name.startsWith("pgcdc-sink-wri")) {
      return "sink writer";
    } else if (name.startsWith("task-thread-")) {
      return "task";
    } else if (name.startsWith("GC Thread")
        || name.startsWith("G1 ")
        || name.startsWith("VM Thread")) {
      return "GC";
    } else if (name.contains("CompilerThre")) {
      return "JIT";
    }
    return "other";
  }
}
