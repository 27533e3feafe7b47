package dev.iii4j.protocol;

/** The version of the reference engine this implementation answers as. */
public final class EngineVersion {
  /** The version every service reports for the engine ({@code iii/v0.22.1}). */
  public static final String VALUE = "0.22.1";

  private EngineVersion() {}
}
