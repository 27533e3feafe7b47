package dev.iii4j.cron;

/**
 * A cron expression does not follow the dialect of {@link CronExpression}. {@link #getMessage()}
 * says what is wrong, in one line, without repeating the expression (the registration error adds
 * it: {@code Invalid cron expression '<expr>': <message>}).
 */
public final class InvalidCronExpressionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A rejection with its reason. */
  public InvalidCronExpressionException(String message) {
    super(message);
  }
}
