package dev.iii4j.sdk;

import java.util.concurrent.CompletionStage;

/**
 * The code behind a trigger type this worker provides (see {@link
 * EngineWorker#registerTriggerType}). The engine sends every trigger of the type to the provider
 * with {@code registertrigger} and withdraws it with {@code unregistertrigger}.
 *
 * <p>Threading: the calls of one worker are made one at a time, in the order the frames arrived, on
 * a virtual thread (never the socket's listener thread). When the connection is lost, the SDK calls
 * {@link #unregisterTrigger} for every binding it delivered, because the engine re-delivers all of
 * them to the next connection.
 *
 * <p>{@link BindingTable} implements this interface for the common case.
 */
public interface TriggerTypeProvider {

  /**
   * Accepts (or rejects) a trigger. The SDK answers {@code triggerregistrationresult}: without
   * error when the stage completes, with {@code trigger_registration_failed} and the exception's
   * message when it fails (or this method throws). A binding with a known id replaces it.
   *
   * @param binding the trigger
   * @return completes when the trigger is active
   */
  CompletionStage<Void> registerTrigger(TriggerBinding binding);

  /**
   * Withdraws a trigger, looked up by {@link TriggerBinding#id()}. Unknown ids are ignored.
   * Exceptions are logged.
   *
   * @param binding the binding as delivered earlier, or a binding with only id and type set
   */
  void unregisterTrigger(TriggerBinding binding);
}
