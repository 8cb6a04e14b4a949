/*
 * Draws the analysis report's charts with ECharts (inlined above this script) from the figures the
 * page embeds as JSON: per chart, both sides' series on one axis of seconds since the first sample.
 */
(function () {
    'use strict';
    var analysis = JSON.parse(document.getElementById('analysis-data').textContent);
    analysis.charts.forEach(function (spec) {
        var format = function (value) {
            return Number(value).toLocaleString('en-US', {maximumFractionDigits: spec.decimals});
        };
        var chart = echarts.init(document.getElementById(spec.id), null, {renderer: 'svg'});
        chart.setOption({
            // Drawn at once, so the page is complete when it has loaded (also for printing and screenshots).
            animation: false,
            legend: {top: 0},
            grid: {left: 70, right: 40, top: 40, bottom: 80},
            tooltip: {
                trigger: 'axis',
                valueFormatter: function (value) { return format(value) + ' ' + spec.unit; }
            },
            toolbox: {right: 40, feature: {dataZoom: {yAxisIndex: 'none'}, restore: {}}},
            dataZoom: [
                {type: 'inside', filterMode: 'none'},
                {type: 'slider', filterMode: 'none', height: 20, bottom: 10}
            ],
            xAxis: {
                type: 'value',
                name: 's',
                min: 'dataMin',
                max: 'dataMax',
                minInterval: 1,
                splitLine: {show: true}
            },
            yAxis: {
                type: 'value',
                name: spec.unit,
                min: 0,
                axisLabel: {formatter: format},
                splitLine: {show: true}
            },
            series: spec.series.map(function (series) {
                return {
                    name: series.name,
                    type: 'line',
                    color: series.color,
                    lineStyle: {type: series.dashed ? 'dashed' : 'solid'},
                    // A lone point has no line to show it.
                    showSymbol: series.points.length < 2,
                    data: series.points
                };
            })
        });
        window.addEventListener('resize', function () { chart.resize(); });
    });
})();
