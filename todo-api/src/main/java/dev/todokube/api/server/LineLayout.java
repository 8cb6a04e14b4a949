package dev.todokube.api.server;

import ch.qos.logback.classic.pattern.Abbreviator;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * One line per event: {@code 2026-12-02T00:10:42.566Z INFO  [main] d.t.a.s.TodoApiServer - message},
 * then the stack trace, if any. Written by hand rather than with a PatternLayout: initialising
 * logback's pattern machinery was a tenth of the service's start-up CPU, which in a 100m pod is
 * a quarter of a second before its first answer.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {

    private final Abbreviator loggerNames = new TargetLengthBasedClassNameAbbreviator(24);

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(160);
        appendTimestamp(line, event.getTimeStamp());
        String level = event.getLevel().toString();
        line.append(' ').append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(" [").append(event.getThreadName()).append("] ")
                .append(loggerNames.abbreviate(event.getLoggerName()))
                .append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy throwable = event.getThrowableProxy();
        if (throwable != null) {
            line.append(ThrowableProxyUtil.asString(throwable)).append(CoreConstants.LINE_SEPARATOR);
        }
        return line.toString();
    }

    private static void appendTimestamp(StringBuilder line, long epochMillis) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L),
                (int) Math.floorMod(epochMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
        line.append(time.getYear()).append('-');
        pad(line, time.getMonthValue(), 2).append('-');
        pad(line, time.getDayOfMonth(), 2).append('T');
        pad(line, time.getHour(), 2).append(':');
        pad(line, time.getMinute(), 2).append(':');
        pad(line, time.getSecond(), 2).append('.');
        pad(line, time.getNano() / 1_000_000, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder line, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            line.append('0');
        }
        return line.append(digits);
    }
}
