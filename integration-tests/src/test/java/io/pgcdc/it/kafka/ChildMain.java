package io.pgcdc.it.kafka;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Runs a Kafka main class in a child JVM and ends that JVM when the JVM that started it is gone, so
 * a killed test run or quickstart leaves no broker or worker behind. Arguments: the parent's
 * process id, the main class, then its arguments.
 *
 * <p>It is copied alone onto the child's classpath (see {@link JavaProcess}), so it must stay one
 * class file: no nested or anonymous classes.
 */
public final class ChildMain {
  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    long parentPid = Long.parseLong(args[0]);
    Thread watchdog =
        new Thread(
            () -> {
              ProcessHandle.of(parentPid).ifPresent(parent -> parent.onExit().join());
              System.err.println("pgcdc: parent process " + parentPid + " is gone, stopping");
              Thread halter =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(30_000);
                        } catch (InterruptedException e) {
                          return;
                        }
                        Runtime.getRuntime().halt(1);
                      });
              halter.setDaemon(true);
              halter.start();
              System.exit(1);
            },
            "pgcdc-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    MethodHandles.publicLookup()
        .findStatic(
            Class.forName(args[1]), "main", MethodType.methodType(void.class, String[].class))
        .invokeExact(Arrays.copyOfRange(args, 2, args.length));
  }
}
