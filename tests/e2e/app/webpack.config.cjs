// The scratch app's webpack 5 config: an entry and an output folder, nothing for embedlab.
const path = require('node:path');
module.exports = {
  mode: 'production',
  context: __dirname,
  entry: './main.js',
  output: { path: path.join(__dirname, 'dist-webpack'), filename: 'main.js', clean: true },
  performance: { hints: false },
};
