package dev.todokube.bgkube.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.todokube.bgkube.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {

    private static String render(String text, Map<String, String> vars) {
        return TemplateRenderer.render(Template.of("t.yaml", text), vars);
    }

    @Test
    void substitutesBothForms() {
        assertThat(render("name: $SERVICE_NAME-${COLOR}x", Map.of("SERVICE_NAME", "todo-api", "COLOR", "blue")))
                .isEqualTo("name: todo-api-bluex");
    }

    @Test
    void longestNameWinsSoAShorterVariableNeverEatsTheFrontOfALongerOne() {
        Map<String, String> vars = Map.of("SERVICE", "WRONG", "SERVICE_NAME", "todo-api");
        assertThat(render("$SERVICE_NAME $SERVICE", vars)).isEqualTo("todo-api WRONG");
    }

    @Test
    void longerNameWithoutValueIsAnErrorNotAPartialMatch() {
        assertThatThrownBy(() -> render("a: $SERVICE_NAME", Map.of("SERVICE", "x")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SERVICE_NAME");
    }

    @Test
    void doubleDollarIsALiteralDollar() {
        assertThat(render("cost: $$5 and $${HOME} and $$X", Map.of())).isEqualTo("cost: $5 and ${HOME} and $X");
    }

    @Test
    void dollarNotFollowedByANameIsKept() {
        assertThat(render("args: [\"$(POD_NAME)\", \"$.x\", \"$\"]", Map.of())).isEqualTo("args: [\"$(POD_NAME)\", \"$.x\", \"$\"]");
    }

    @Test
    void unknownVariablesAreReportedWithFileAndLine() {
        assertThatThrownBy(() -> render("a: 1\nb: $MISSING\nc: ${ALSO_MISSING}\n", Map.of()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("t.yaml")
                .hasMessageContaining("line 2: variable MISSING has no value")
                .hasMessageContaining("line 3: variable ALSO_MISSING has no value");
    }

    @Test
    void unterminatedBraceIsAnError() {
        assertThatThrownBy(() -> render("a: ${NAME\nb: 2", Map.of("NAME", "x")))
                .hasMessageContaining("line 1: unterminated ${");
    }

    @Test
    void emptyValueIsAValue() {
        assertThat(render("a: '$EMPTY'", Map.of("EMPTY", ""))).isEqualTo("a: ''");
    }
}
