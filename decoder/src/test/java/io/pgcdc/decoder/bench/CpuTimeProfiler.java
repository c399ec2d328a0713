package io.pgcdc.decoder.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Adds operations per CPU-second of the benchmark JVM (its benchmark thread, JIT and GC threads
 * together) to each iteration. On a machine whose cores are shared with other work, wall-clock
 * throughput measures the neighbours too; this measures what one core's worth of CPU time does. Use
 * with {@code -prof io.pgcdc.decoder.bench.CpuTimeProfiler}.
 */
public class CpuTimeProfiler implements InternalProfiler {

  private final OperatingSystemMXBean os =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuStart;
  private long wallStart;

  @Override
  public String getDescription() {
    return "operations per CPU-second of the benchmark JVM";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    cpuStart = os.getProcessCpuTime();
    wallStart = System.nanoTime();
  }

  @Override
  @SuppressWarnings("rawtypes") // JMH's InternalProfiler declares the raw Result type
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
    double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
    // The primary result of a throughput benchmark is operations per second of wall time.
    double operations = result.getPrimaryResult().getScore() * wallSeconds;
    return List.of(
        new ScalarResult(
            "ops-per-cpu-second", operations / cpuSeconds, "ops/cpu-s", AggregationPolicy.AVG));
  }
}
