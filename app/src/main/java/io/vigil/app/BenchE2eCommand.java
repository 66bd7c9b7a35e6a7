package io.vigil.app;

import io.vigil.app.bench.E2eBench;
import io.vigil.app.bench.E2eReportTable;
import io.vigil.job.JobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "e2e", mixinStandardHelpOptions = true,
        description = {"End to end on this machine: Mosquitto, Kafka, InfluxDB, Alertmanager, the gateway and the job",
                "(child JVMs) with an authenticated fleet over MQTT QoS 1 and CoAPS. Counts readings acknowledged,",
                "in Kafka, in InfluxDB and dead letters per phase; steps the rate up until a phase is not sustained;",
                "times incident transitions at a fixed rate from gateway receive time to vigil.alerts.",
                "Each run uses a fresh directory under $VIGIL_HOME/bench/."})
final class BenchE2eCommand implements Callable<Integer> {
    @ParentCommand
    BenchCommand bench;

    @Spec
    CommandSpec spec;

    @Option(names = "--devices", defaultValue = "100",
            description = "Simulated devices, each on its own MQTT connection or DTLS session, reconnected every phase"
                    + " (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--coap-share", defaultValue = "0.1", description = "Share of devices on CoAPS (default ${DEFAULT-VALUE}).")
    double coapShare;

    @Option(names = "--rates", split = ",", defaultValue = "5000,10000,20000,30000,40000,50000,60000",
            description = "Stepped rates in readings/s, ascending (default ${DEFAULT-VALUE}); stepping stops after the"
                    + " first rate not sustained.")
    List<Double> rates;

    @Option(names = "--step", converter = DurationConverter.class, defaultValue = "15s",
            description = "Load per step (default ${DEFAULT-VALUE}).")
    Duration step;

    @Option(names = "--latency-rate", defaultValue = "10000",
            description = "Rate of the latency phase (default ${DEFAULT-VALUE}; 0 = none).")
    double latencyRate;

    @Option(names = "--latency-for", converter = DurationConverter.class, defaultValue = "30s",
            description = "Length of the latency phase (default ${DEFAULT-VALUE}).")
    Duration latencyFor;

    @Option(names = "--warm-up-rate", defaultValue = "2000", description = "Rate of the warm-up phase (default ${DEFAULT-VALUE}; 0 = none).")
    double warmUpRate;

    @Option(names = "--warm-up", converter = DurationConverter.class, defaultValue = "10s",
            description = "Length of the warm-up phase (default ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--max-store-lag", converter = DurationConverter.class, defaultValue = "10s",
            description = "A step is sustained only if InfluxDB has all of it this soon after its last acknowledgement"
                    + " (default ${DEFAULT-VALUE}).")
    Duration maxStoreLag;

    @Option(names = "--time-scale", defaultValue = "1440",
            description = "Scenario speed-up (default ${DEFAULT-VALUE}: the gauges' daily wobble takes a minute, so the"
                    + " gauges near the bench rule's limit cross and clear it every minute).")
    double timeScale;

    @Option(names = "--rules", paramLabel = "FILE", description = "Rules file (default config/bench-e2e-rules.yaml).")
    Path rules;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of vigil.readings (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--gateway-subscribers", defaultValue = "4",
            description = "The gateway's MQTT subscriber connections, in a shared subscription (default ${DEFAULT-VALUE}); 1 = the gateway's default plain subscription, and the job judges each reading on arrival (no settling window).")
    int gatewaySubscribers;

    /** Passed to the job; parallelism also sizes the bench's checks. */
    @Mixin
    JobOptionsMixin.Tuning job;

    @Option(names = "--publishers", defaultValue = "2",
            description = "Publishing processes, each owning a slice of the devices and logging each in as itself"
                    + " (default ${DEFAULT-VALUE}).")
    int publishers;

    @Option(names = "--jfr", description = "Record a JFR profile of the gateway and the job (under the run's directory).")
    boolean jfr;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Directory for this run (default $VIGIL_HOME/bench/e2e-TIME).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        Vigil vigil = bench.vigil;
        Path dir = workDir != null ? workDir : vigil.home().resolve("bench").resolve("e2e-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        int parallelism = job.get(JobOptions.PARALLELISM);
        List<String> jobArgs = job.arguments(option -> !option.equals(JobOptions.PARALLELISM));
        E2eBench.Config config = new E2eBench.Config(dir,
                rules != null ? rules : vigil.root().resolve("config/bench-e2e-rules.yaml"), devices, coapShare, timeScale,
                warmUpRate, warmUp, latencyRate, latencyFor, rates, step, maxStoreLag, partitions, gatewaySubscribers,
                parallelism, jobArgs, jfr, publishers);
        // progress and the children's output on the console; the summary on the command's own output
        E2eBench.Report report = new E2eBench(config, System.out).run();
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.print(E2eReportTable.format(report));
        out.flush();
        boolean counted = report.phases().stream().allMatch(p -> p.sent() > 0);
        return counted ? 0 : 1;
    }
}
