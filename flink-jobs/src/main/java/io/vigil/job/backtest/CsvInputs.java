package io.vigil.job.backtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code --input}: one file, or every {@code *.csv}, {@code *.tsv}, {@code *.txt} and {@code *.dat} file under a
 * directory (recursively, in name order); layouts in {@link CsvInput}.
 */
public final class CsvInputs {
    private CsvInputs() {}

    public static List<SeriesFile> read(Path input, String defaultMetric) {
        if (Files.isRegularFile(input)) {
            return List.of(CsvInput.read(input, input.getFileName().toString(), defaultMetric));
        }
        if (!Files.isDirectory(input)) {
            throw new InvalidInputException(input + ": no such file or directory");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(input)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> CsvInput.EXTENSIONS.stream()
                            .anyMatch(p.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + input, e);
        }
        if (files.isEmpty()) {
            throw new InvalidInputException(input + ": no .csv, .tsv, .txt or .dat files in this directory");
        }
        List<SeriesFile> read = new ArrayList<>();
        Map<String, String> fileOfDevice = new HashMap<>();
        for (Path file : files) {
            String name = input.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            SeriesFile series = CsvInput.read(file, name, defaultMetric);
            boolean namedByFile = series.header().stream().noneMatch(h -> h.strip().equalsIgnoreCase(CsvInput.DEVICE));
            String other = namedByFile ? fileOfDevice.putIfAbsent(CsvInput.stem(file), name) : null;
            if (other != null) {
                throw new InvalidInputException(name + " and " + other + " would both be device '"
                        + CsvInput.stem(file) + "' (no device column): rename one or add a device column");
            }
            read.add(series);
        }
        return read;
    }
}
