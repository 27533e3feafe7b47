/**
 * The transactional outbox of state-service and stream-service, written once: a change and the
 * trigger events it causes commit together (the service's store is the {@link
 * dev.iii4j.service.outbox.OutboxStore} port), and one {@link
 * dev.iii4j.service.outbox.EventDispatcher} per replica delivers them afterwards through an {@link
 * dev.iii4j.service.outbox.EventSink}: per key in commit order, once across replicas, again after a
 * restart between commit and delivery.
 *
 * <p>Generic over the event type; nothing here is a bean by itself. Each service builds its
 * dispatcher and sink in its own factory, in its own environment, and registers {@link
 * dev.iii4j.service.outbox.OutboxMetrics} from its metrics bean. Depends on the worker SDK (the
 * sink fires triggers through it), Micronaut's JSON tree and Micrometer; never on a storage
 * technology.
 */
package dev.iii4j.service.outbox;
