package dev.iii4j.cron.functions;

import dev.iii4j.cron.CronJob;
import dev.iii4j.cron.CronScheduler;
import dev.iii4j.cron.CronTriggerConfig;
import dev.iii4j.cron.InvalidTriggerConfigException;
import dev.iii4j.sdk.BindingTable;
import dev.iii4j.sdk.TriggerBinding;
import dev.iii4j.service.SerdeTrees;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The bindings of the {@code cron} trigger type. Each binding is validated when it arrives (an
 * invalid one is answered with {@code trigger_registration_failed} and the reference's message),
 * then handed to the {@link CronScheduler} (see {@link #feed}); a removed binding (unregistered,
 * its worker gone, or this service's connection lost) cancels its job.
 */
@Singleton
@Requires(env = CronScheduler.ENVIRONMENT)
public final class CronTriggers {
  /** The trigger type id. */
  public static final String TYPE = "cron";

  private final BindingTable table;

  CronTriggers() {
    this.table = new BindingTable(this::validate);
  }

  /** Starts a job for every binding added and cancels it when the binding goes. */
  void feed(CronScheduler scheduler) {
    table.addListener(
        new BindingTable.Listener() {
          @Override
          public void bindingAdded(TriggerBinding binding) {
            scheduler.schedule(
                CronTriggerConfig.job(binding.id(), SerdeTrees.serde(binding.config())));
          }

          @Override
          public void bindingRemoved(TriggerBinding binding) {
            scheduler.cancel(binding.id());
          }
        });
  }

  /** The table the SDK feeds with {@code registertrigger} / {@code unregistertrigger}. */
  public BindingTable table() {
    return table;
  }

  private Optional<String> validate(TriggerBinding binding) {
    try {
      CronJob job = CronTriggerConfig.job(binding.id(), SerdeTrees.serde(binding.config()));
      // The gateway withdraws a binding before it re-sends one with the same id, so a different
      // binding under a known id is a conflict, as in the reference; the same one is a replay.
      Optional<TriggerBinding> known = table.binding(job.id());
      if (known.isPresent() && !known.get().equals(binding)) {
        return Optional.of("Cron job '" + binding.id() + "' is already registered");
      }
      return Optional.empty();
    } catch (InvalidTriggerConfigException e) {
      return Optional.of(e.getMessage());
    }
  }
}
