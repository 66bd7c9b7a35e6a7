package io.vigil.app;

import picocli.CommandLine.Command;

/** Listed for --help only: bin/vigil runs the tests with Maven before anything is built. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Runs every test, unit and end-to-end, against real servers on free loopback ports.",
                "Handled by bin/vigil (mvn -B verify); see bin/vigil test --help."})
final class TestCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("run: bin/vigil test");
    }
}
