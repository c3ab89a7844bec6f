package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The default stop-word dictionaries (migration V12: simple dictionaries on PostgreSQL's stop-word
 * files) call the same words stop words as the snowball dictionaries they replace, and a name the
 * database does not know stops the start instead of failing every search.
 */
class StopWordDictionariesIntegrationTests extends KnowledgeIntegrationTest {

    /** Each default dictionary and the snowball one of its language, with a text in it. */
    private static final Map<String, List<String>> LANGUAGES = Map.of(
            "yuno_english_stop", List.of("english_stem", """
                    The parcels of the shop leave within two days, and if yours has not arrived by then we
                    will send it again; it's ours to fix. Could you tell me where my order is? I would
                    like my money back because it was broken when they delivered it to us."""),
            "yuno_german_stop", List.of("german_stem", """
                    Die Pakete des Ladens gehen innerhalb von zwei Tagen raus, und wenn Ihres bis dahin
                    nicht angekommen ist, schicken wir es noch einmal. Über die Rückgabe können Sie sich
                    hier informieren; ich möchte mein Geld zurück, weil es kaputt war."""),
            "yuno_french_stop", List.of("french_stem", """
                    Les colis de la boutique partent sous deux jours, et si le vôtre n'est pas arrivé nous
                    le renverrons. Pourriez-vous me dire où est ma commande? Je voudrais être remboursé
                    car il était cassé quand ils nous l'ont livré."""),
            "yuno_spanish_stop", List.of("spanish_stem", """
                    Los paquetes de la tienda salen en dos días, y si el suyo no ha llegado lo enviaremos
                    otra vez. ¿Podría decirme dónde está mi pedido? Quiero que me devuelvan el dinero
                    porque estaba roto cuando nos lo entregaron."""),
            "yuno_italian_stop", List.of("italian_stem", """
                    I pacchi del negozio partono entro due giorni, e se il vostro non è arrivato lo
                    spediremo di nuovo. Potrebbe dirmi dov'è il mio ordine? Vorrei indietro i miei soldi
                    perché era rotto quando ce lo hanno consegnato."""),
            "yuno_portuguese_stop", List.of("portuguese_stem", """
                    Os pacotes da loja saem em dois dias, e se o seu não chegou nós o enviaremos de novo.
                    Poderia me dizer onde está o meu pedido? Eu queria o meu dinheiro de volta porque
                    estava quebrado quando eles o entregaram."""),
            "yuno_dutch_stop", List.of("dutch_stem", """
                    De pakketten van de winkel gaan binnen twee dagen weg, en als het uwe er dan nog niet
                    is, sturen wij het opnieuw. Kunt u mij zeggen waar mijn bestelling is? Ik wil mijn
                    geld terug omdat het kapot was toen ze het bij ons bezorgden."""));

    @Autowired
    JdbcClient jdbc;

    @Autowired
    StopWordDictionaries dictionaries;

    @Autowired
    KnowledgeSettings settings;

    /** A word, and whether each dictionary calls it a stop word. */
    private record Verdict(String word, boolean simple, boolean snowball) {}

    @Test
    void eachDefaultDictionaryCallsTheSameWordsStopWordsAsTheSnowballOneOfItsLanguage() {
        assertThat(settings.retrieval().stopWordDictionaries()).containsExactlyInAnyOrderElementsOf(LANGUAGES.keySet());
        LANGUAGES.forEach((simple, snowballAndText) -> {
            var verdicts = jdbc.sql("""
                            SELECT w, coalesce(ts_lexize(?::regdictionary, w) = '{}', false),
                                   coalesce(ts_lexize(?::regdictionary, w) = '{}', false)
                            FROM unnest(tsvector_to_array(to_tsvector('simple', ?))) w""")
                    .params(simple, snowballAndText.get(0), snowballAndText.get(1))
                    .query((rs, n) -> new Verdict(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3)))
                    .list();
            assertThat(verdicts).as(simple).hasSizeGreaterThan(25);
            assertThat(verdicts)
                    .as("%s against %s", simple, snowballAndText.get(0))
                    .allSatisfy(v -> assertThat(v.simple()).as(v.word()).isEqualTo(v.snowball()));
            // Not vacuous: the text holds stop words and other words alike.
            assertThat(verdicts).as(simple).filteredOn(Verdict::simple).hasSizeGreaterThan(5);
            assertThat(verdicts).as(simple).filteredOn(v -> !v.simple()).hasSizeGreaterThan(10);
        });
    }

    @Test
    void aDictionaryTheDatabaseDoesNotHaveIsNamedBeforeAnySearchFails() {
        // That the check stops a start is StartupIntegrationTests'; snowball names are still accepted.
        dictionaries.check(List.of("yuno_english_stop", "english_stem"));
        assertThatThrownBy(() -> dictionaries.check(List.of("yuno_english_stop", "englsh_stem", "no_such")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stop-word-dictionaries")
                .hasMessageContaining("[englsh_stem, no_such]");
    }
}
