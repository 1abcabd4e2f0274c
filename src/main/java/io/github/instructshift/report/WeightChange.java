package io.github.instructshift.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.model.Checkpoint;
import io.github.instructshift.model.WeightRole;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Locale;

/**
 * How far tuning moved each weight matrix: ‖W_tuned − W_base‖_F / ‖W_base‖_F per layer and role
 * (attention q, k, v, o; FFN gate, up, down), read one tensor at a time.
 */
public final class WeightChange {
    /** The per-layer matrices compared, in display order. */
    public static final List<WeightRole> ROLES = List.of(WeightRole.QUERY, WeightRole.KEY, WeightRole.VALUE,
            WeightRole.OUTPUT, WeightRole.GATE, WeightRole.UP, WeightRole.DOWN);

    private WeightChange() {}

    /** Columns: layer, role, base_norm, delta_norm, relative_change. */
    public static Table table(ModelPair pair) {
        // ModelPair.open has already refused a pair whose architectures differ, so the matrices line up
        Checkpoint b = pair.checkpoint(ModelRole.BASE);
        Checkpoint t = pair.checkpoint(ModelRole.TUNED);
        IntColumn layer = IntColumn.create("layer");
        StringColumn role = StringColumn.create("role");
        DoubleColumn baseNorm = DoubleColumn.create("base_norm");
        DoubleColumn deltaNorm = DoubleColumn.create("delta_norm");
        DoubleColumn relative = DoubleColumn.create("relative_change");
        try (NDManager root = NDManager.newBaseManager()) {
            for (int l = 0; l < b.config().numLayers(); l++) {
                for (WeightRole r : ROLES) {
                    try (NDManager m = root.newSubManager()) {
                        NDArray wb = b.tensor(r, l, m, DataType.FLOAT32).toType(DataType.FLOAT64, false);
                        NDArray wt = t.tensor(r, l, m, DataType.FLOAT32).toType(DataType.FLOAT64, false);
                        double nb = Math.sqrt(wb.square().sum().getDouble());
                        double nd = Math.sqrt(wt.sub(wb).square().sum().getDouble());
                        layer.append(l);
                        role.append(r.name().toLowerCase(Locale.ROOT));
                        baseNorm.append(nb);
                        deltaNorm.append(nd);
                        relative.append(nb == 0 ? (nd == 0 ? 0 : Double.POSITIVE_INFINITY) : nd / nb);
                    }
                }
            }
        }
        return Table.create("relative weight change per layer", layer, role, baseNorm, deltaNorm, relative);
    }
}
